#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Checks a Chrome trace-event JSON file against the Trace Event Format's rules
# as the viewers apply them (no Perfetto build is installable here: it is on
# neither Debian's nor npm's registry):
# - the JSON Object Format: {"traceEvents": [...]}, displayTimeUnit "ms" or
#   "ns", otherData an object;
# - every event an object with a known "ph", a string name, an integer pid;
#   ts a number >= 0 (metadata events excepted); cat a string; args an object;
# - X: an integer tid, dur a number >= 0; per thread the complete events nest
#   (each one inside the enclosing one or after its end: Perfetto drops the
#   others);
# - i: s one of g, p, t; a tid unless it is global;
# - C: args of finite numbers only, the same series in every event of one
#   counter (chrome://tracing takes them from its first event), its samples
#   in time order;
# - M: one of the five metadata names with its argument of the right type.
# usage: trace-event-check.py FILE.json  -> "ok: N events (X x, ...)" or the
# first rule broken, exit 1
import json
import math
import sys

META = {'process_name': ('name', str), 'process_labels': ('labels', str),
        'process_sort_index': ('sort_index', int), 'thread_name': ('name', str),
        'thread_sort_index': ('sort_index', int)}


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def integer(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check(doc):
    if not isinstance(doc, dict) or not isinstance(doc.get('traceEvents'), list):
        return 'not the JSON Object Format: no traceEvents array'
    if doc.get('displayTimeUnit', 'ms') not in ('ms', 'ns'):
        return 'displayTimeUnit %r' % doc['displayTimeUnit']
    if not isinstance(doc.get('otherData', {}), dict):
        return 'otherData is not an object'
    counts, spans, series, last = {}, {}, {}, {}
    for n, e in enumerate(doc['traceEvents']):
        where = 'event %d (%s)' % (n, json.dumps(e)[:200])
        if not isinstance(e, dict):
            return where + ': not an object'
        ph = e.get('ph')
        if ph not in ('X', 'i', 'C', 'M'):
            return where + ': phase %r is none ftx writes' % ph
        counts[ph] = counts.get(ph, 0) + 1
        if not isinstance(e.get('name'), str) or not integer(e.get('pid')):
            return where + ': name must be a string, pid an integer'
        if 'cat' in e and not isinstance(e['cat'], str):
            return where + ': cat is not a string'
        if 'args' in e and not isinstance(e['args'], dict):
            return where + ': args is not an object'
        if ph != 'M' and (not num(e.get('ts')) or e['ts'] < 0):
            return where + ': ts must be a number >= 0'
        if ph == 'X':
            if not integer(e.get('tid')) or not num(e.get('dur')) or e['dur'] < 0:
                return where + ': X needs an integer tid and dur >= 0'
            spans.setdefault((e['pid'], e['tid']), []).append((e['ts'], e['ts'] + e['dur'], n))
        elif ph == 'i':
            if e.get('s', 't') not in ('g', 'p', 't'):
                return where + ': scope %r' % e['s']
            if e.get('s', 't') != 'g' and not integer(e.get('tid')):
                return where + ': a thread instant event needs an integer tid'
        elif ph == 'C':
            args = e.get('args')
            if not args or not all(num(v) for v in args.values()):
                return where + ': a counter needs args of numbers'
            key = (e['pid'], e['name'], e.get('id'))
            if series.setdefault(key, sorted(args)) != sorted(args):
                return where + ': series %s, its first event had %s' % (sorted(args), series[key])
            if e['ts'] < last.get(key, 0):
                return where + ': counter sample before the previous one'
            last[key] = e['ts']
        else:
            arg, kind = META.get(e['name'], (None, None))
            if not arg or not isinstance(e.get('args', {}).get(arg), kind):
                return where + ': metadata %r needs args.%s' % (e['name'], arg)
            if e['name'].startswith('thread') and not integer(e.get('tid')):
                return where + ': thread metadata without a tid'
    for (pid, tid), v in spans.items():
        # outer first at one start; an event ending exactly where the next starts is after it
        v.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for start, end, n in v:
            while stack and start >= stack[-1][1]:
                stack.pop()
            if stack and end > stack[-1][1] + 1e-6:
                return 'event %d: [%s, %s] on %d/%d overlaps event %d ending %s' % (
                    n, start, end, pid, tid, stack[-1][2], stack[-1][1])
            stack.append((start, end, n))
    return 'ok: %d events (%s), %d counters' % (
        len(doc['traceEvents']), ', '.join('%d %s' % (counts[k], k) for k in sorted(counts)),
        len(series))


if __name__ == '__main__':
    try:
        with open(sys.argv[1]) as f:
            doc = json.load(f)
    except (OSError, ValueError) as err:
        print('%s: not JSON: %s' % (sys.argv[1], err))
        sys.exit(1)
    msg = check(doc)
    print('%s: %s' % (sys.argv[1], msg))
    sys.exit(0 if msg.startswith('ok:') else 1)
