// Which tree a mailed patch targets: bpf-next feeds the release after next, a bpf fix the next
// one, and a series mailed before a feature reached bpf-next targets a tree without it.
import { describe, it, expect } from 'vitest';
import { detectTarget, treeHas } from '../src/model/target.js';
import { landingRelease } from '../src/model/kernel-releases.js';

describe('target tree of a mailed patch', () => {
  it('bpf-next lands two releases after the last one out, a bpf fix one', () => {
    expect(landingRelease('2023-01-19', 'next')).toBe('6.3');
    expect(landingRelease('2023-01-19', 'fixes')).toBe('6.2');
    expect(landingRelease('2024-11-20', 'next')).toBe('6.14');
    expect(landingRelease('2025-02-18', 'next')).toBe('6.15');
    expect(landingRelease('2019-01-01', 'next')).toBeNull();
  });

  it('counts cycles past the last known release, and 6.19 is followed by 7.0', () => {
    expect(landingRelease('2025-12-19', 'next')).toBe('7.0');
    expect(landingRelease('2026-03-01', 'next')).toBe('7.1');
  });

  it('keeps the mail date, so a feature merged later in the same cycle is not assumed', () => {
    const t = detectTarget({ subjectTree: 'bpf-next', date: '2023-01-19T10:00:00Z' });
    expect(t.version).toBe('6.3');
    expect(t.asOf).toBe('2023-01-19');
    expect(treeHas(t, 6, 3, '2023-02-01')).toBe(false);
    expect(treeHas(t, 6, 2, '2022-11-01')).toBe(true);
    expect(treeHas({ ...t, asOf: '2023-03-01' }, 6, 3, '2023-02-01')).toBe(true);
  });

  it('keeps KF_TRUSTED_ARGS for bpf-next mails before it became the default', () => {
    expect(detectTarget({ subjectTree: 'bpf-next', date: '2025-12-19' }).version).toBe('6.19');
    expect(detectTarget({ subjectTree: 'bpf-next', date: '2026-01-06' }).version).toBe('7.0');
  });
});
