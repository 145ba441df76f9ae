# PTX edit (session 16 probe): P V's wgmma left in flight across the loop's
# back edge. Removes the sync wait after the last commit_group of the loop
# body, adds a wait_group 0 at the loop's exit block, and moves the
# alternating transposition's "ready" arrive after the next wait_group
# (so that a thread arrives only once its previous P V has completed).
import sys,re
src=open(sys.argv[1]).read().split('\n')
out=list(src)
# 1. the sync wait after a commit (not inline asm): "wgmma.wait_group.sync.aligned \t0;"
idx=[i for i,l in enumerate(out) if re.match(r'\s*wgmma\.wait_group\.sync\.aligned\s+0;',l) and 'commit_group' in out[i-1]]
assert len(idx)==1, idx
w=idx[0]
# the back edge and exit after it
j=w
while not out[j].strip().startswith('bra.uni'): j+=1
exitlabel=out[j].split()[-1].rstrip(';')
del out[w]
k=[i for i,l in enumerate(out) if l.strip()==exitlabel+':']
assert len(k)==1
out.insert(k[0]+1,'\twgmma.wait_group.sync.aligned 0;')
# 3. move the arrive after fence.proxy.async to after the next inline wait_group
f=[i for i,l in enumerate(out) if 'fence.proxy.async.shared::cta' in l]
moved=0
for fi in f:
    a=next((i for i in range(fi,fi+8) if 'mbarrier.arrive.shared.b64' in out[i]),None)
    if a is None: continue
    wi=next(i for i in range(a,len(out)) if 'wgmma.wait_group.sync.aligned 0;' in out[i])
    line=out.pop(a)
    out.insert(wi,line)   # wi shifted by one after pop: lands right after the wait
    moved+=1
assert moved==1, moved
open(sys.argv[2],'w').write('\n'.join(out))
print("ok", sys.argv[2])
