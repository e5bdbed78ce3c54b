"""Prints the tables of benches/README.md from the criterion results of run.sh.

usage: python3 table.py [BASELINE ...]   (default: run1 run2, the passes of run.sh)

Reads $PEERS_TARGET/{default,native}/criterion/<group>/<impl>/<baseline>/estimates.json
(PEERS_TARGET defaults to target/ beside this script, where run.sh builds).
"""
import json, os, sys, statistics
base = os.environ.get('PEERS_TARGET', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'target'))
runs = sys.argv[1:] or ['run1', 'run2']
groups = ['matmul_4x3_3x1','matmul_4x4_4x4','matmul_8x8_8x8','matmul_16x16_16x16','matmul_32x32_32x32','matmul_64x64_64x64','sgd_step','minibatch64_step']
impls = ['backprop','backprop_nocost','nalgebra','glam','arrays','ndarray']
def med(flag, g, i, run):
    f = f'{base}/{flag}/criterion/{g}/{i}/{run}/estimates.json'
    if not os.path.exists(f): return None
    return json.load(open(f))['median']['point_estimate']
def fmt(ns):
    if ns is None: return '–'
    if ns >= 1000: return f'{ns/1000:.2f} µs'
    return f'{ns:.2f} ns'
for flag in ['default','native']:
    print(f'\n### {flag}\n')
    print('| workload | ' + ' | '.join(impls) + ' | backprop / nalgebra |')
    print('|---|' + '---|'*len(impls) + '---|')
    for g in groups:
        cells=[]; vals={}
        for i in impls:
            xs=[med(flag,g,i,r) for r in runs]; xs=[x for x in xs if x is not None]
            v = statistics.median(xs) if xs else None
            vals[i]=v
            cells.append(' / '.join(fmt(x) for x in xs) if xs else '–')
        ratio=''
        if vals.get('backprop') and vals.get('nalgebra'):
            ratio=f"{vals['backprop']/vals['nalgebra']:.2f}"
            if vals.get('backprop_nocost'):
                ratio+=f" (no cost: {vals['backprop_nocost']/vals['nalgebra']:.2f})"
        print(f'| `{g}` | ' + ' | '.join(cells) + f' | {ratio} |')
