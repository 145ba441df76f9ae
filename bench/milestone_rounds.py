import json,sys,statistics as st,collections,os
rounds=sys.argv[1:]
rows=collections.defaultdict(lambda: collections.defaultdict(list))
for rd in rounds:
    best={}
    for f,k in [('fp8.jsonl','fp8'),('fp8--causal.jsonl','fp8'),('bf16.jsonl','bf16'),('bf16--causal.jsonl','bf16')]:
        p=os.path.join(rd,f)
        if not os.path.exists(p): continue
        for l in open(p):
            r=json.loads(l)
            if r.get('status')!='ok' or 'config' not in r: continue
            key=(k,r['shape'])
            if key not in best or r['tflops']>best[key][0]: best[key]=(r['tflops'],r['config'])
    an=json.load(open(os.path.join(rd,'anchors.json')))
    tat={(t['S'],t['D']):t for t in an['triton_attention']}
    att={(t['S'],t['D']):t for t in an['attention']}
    for (k,sh),(tf,cfg) in best.items():
        if k!='fp8': continue
        S=int(sh.split('S=')[1].split(',')[0]); D=int(sh.split('D=')[1].split(',')[0]); c='causal' in sh
        b=best[('bf16',sh)][0]
        t=tat[(S,D)].get('triton_fp8_causal' if c else 'triton_fp8')
        cud=att.get((S,D),{}).get('causal_cudnn' if c else 'sdpa_cudnn')
        R=rows[sh]
        R['fp8'].append(tf); R['bf16'].append(b); R['triton_fp8'].append(t); R['fp8/bf16'].append(tf/b); R['fp8/triton'].append(tf/t)
        if cud: R['bf16/cudnn'].append(b/cud)
        R['cfg'].append(cfg.replace('BLOCK_M=','').replace('BLOCK_N=','').replace('WARPS=','w').replace('STAGES=','s').replace('OVERLAP=','o').replace('MIN_BLOCKS=','mb').replace(',D=64','').replace(',D=128',''))
        R['bcfg'].append(best[('bf16',sh)][1].replace('BLOCK_M=','').replace('BLOCK_N=','').replace('WARPS=','w').replace('STAGES=','s').replace('MIN_BLOCKS=','mb').replace(',D=64','').replace(',D=128',''))
for sh in sorted(rows,key=lambda s:('causal' in s,int(s.split('D=')[1].split(',')[0]),int(s.split('S=')[1].split(',')[0]))):
    R=rows[sh]
    fmt=lambda v:'/'.join('%.3f'%x for x in v)
    print(f"{sh.replace('B=4,H=48,',''):20s} fp8 med {st.median(R['fp8']):6.1f} bf16 {st.median(R['bf16']):6.1f} tritonfp8 {st.median(R['triton_fp8']):6.1f} | fp8/bf16 med {st.median(R['fp8/bf16']):.3f} ({fmt(R['fp8/bf16'])}) | fp8/triton med {st.median(R['fp8/triton']):.3f} ({fmt(R['fp8/triton'])})" + (f" | bf16/cudnn {fmt(R['bf16/cudnn'])}" if R['bf16/cudnn'] else ''))
    print('    fp8 cfgs', collections.Counter(R['cfg']).most_common(3), ' bf16', collections.Counter(R['bcfg']).most_common(2))
