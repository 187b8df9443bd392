"""Summarizes an async-profiler collapsed CPU profile of the gateway (bench/profile.sh) per call.

usage: python3 bench/stacks.py PROFILE.collapsed CALLS_PER_SECOND WINDOW_SECONDS [INTERVAL_US]
Prints each thread group's CPU per call, the event loops' split between user code and the kernel (system calls
and the loopback network stack), and where the event loops' user CPU goes: each sample charged to the innermost
Warrant frame on its stack (the Warrant code that asked for the work), or to the innermost Vert.x frame when no
Warrant code is on it.
"""
import collections
import re
import sys


def main():
    path, throughput, window = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 200.0
    per_call = interval / (throughput * window)
    groups, frames = collections.Counter(), collections.Counter()
    user = kernel = 0
    for line in open(path):
        stack, count = line.rstrip().rsplit(' ', 1)
        count = int(count)
        stack = re.sub(r"\$\$Lambda\$[0-9]+\.0x[0-9a-f]+", "$$Lambda", stack)
        parts = stack.split(';')
        group = re.sub(r'\d+', 'N', re.sub(r' tid=\d+', '', parts[0]))
        groups[group] += count
        if 'eventloop' not in group:
            continue
        in_kernel = any(f.endswith('_[k]') for f in parts) or parts[-1] in ('writev', '__GI_write', '__GI_read')
        kernel += count if in_kernel else 0
        user += 0 if in_kernel else count
        if not in_kernel:
            owners = [f for f in parts if f.startswith('dev/warrant')] or [f for f in parts if f.startswith('io/vertx')]
            frames[owners[-1] if owners else parts[-1]] += count
    print('CPU per call (us), %d calls/s over %.0f s:' % (throughput, window))
    for group, count in groups.most_common(8):
        print('  %7.2f  %s' % (count * per_call, group))
    print('event loops: user %.2f us, kernel %.2f us per call' % (user * per_call, kernel * per_call))
    for frame, count in frames.most_common(25):
        print('  %7.2f  %s' % (count * per_call, frame[:140]))


if __name__ == '__main__':
    main()
