namespace MedCoord.Scheduling.Time;

/// <summary>
/// An immutable set of half-open minute ranges <c>[start, end)</c>, kept sorted, disjoint and merged:
/// touching ranges become one (adjacent blocks touch).
/// </summary>
internal sealed class MinuteSet
{
    public static readonly MinuteSet Empty = new([]);

    /// <summary>Every minute that can matter, with room left for sums of offsets without overflow.</summary>
    public static readonly MinuteSet All = new([(Lowest, Highest)]);

    public const long Lowest = long.MinValue / 4;

    /// <summary>The last minute of <see cref="All"/>, for open-ended ranges.</summary>
    public const long Highest = long.MaxValue / 4;

    private readonly (long Start, long End)[] _ranges;

    private MinuteSet((long Start, long End)[] normalized) => _ranges = normalized;

    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    public bool IsEmpty => _ranges.Length == 0;

    public static MinuteSet Of(long start, long end) => start < end ? new([(start, end)]) : Empty;

    public static MinuteSet FromRanges(IEnumerable<(long Start, long End)> ranges)
    {
        var sorted = ranges.Where(r => r.Start < r.End).ToArray();
        Array.Sort(sorted, static (a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(long Start, long End)>(sorted.Length);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, r.End));
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged.Count == 0 ? Empty : new MinuteSet([.. merged]);
    }

    public MinuteSet Union(MinuteSet other) => FromRanges(_ranges.Concat(other._ranges));

    public MinuteSet Intersect(MinuteSet other)
    {
        var result = new List<(long, long)>();
        int i = 0, j = 0;
        while (i < _ranges.Length && j < other._ranges.Length)
        {
            var lo = Math.Max(_ranges[i].Start, other._ranges[j].Start);
            var hi = Math.Min(_ranges[i].End, other._ranges[j].End);
            if (lo < hi)
            {
                result.Add((lo, hi));
            }

            if (_ranges[i].End < other._ranges[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        if (result.Count == 0)
        {
            return Empty;
        }

        // Callers test for "nothing was cut" by reference, so an unchanged set is returned as itself.
        return result.Count == _ranges.Length && result.SequenceEqual(_ranges) ? this : new MinuteSet([.. result]);
    }

    public MinuteSet Subtract(MinuteSet other)
    {
        if (other.IsEmpty || IsEmpty)
        {
            return this;
        }

        var result = new List<(long, long)>();
        int j = 0;
        foreach (var (start, end) in _ranges)
        {
            var cursor = start;
            while (j < other._ranges.Length && other._ranges[j].End <= cursor)
            {
                j++;
            }

            var k = j;
            while (k < other._ranges.Length && other._ranges[k].Start < end)
            {
                if (other._ranges[k].Start > cursor)
                {
                    result.Add((cursor, other._ranges[k].Start));
                }

                cursor = Math.Max(cursor, other._ranges[k].End);
                k++;
            }

            if (cursor < end)
            {
                result.Add((cursor, end));
            }
        }

        return FromRanges(result);
    }

    /// <summary>The start minutes <c>s</c> for which <c>[s, s + length)</c> lies wholly inside one range of this set.</summary>
    public MinuteSet StartsFitting(long length) =>
        FromRanges(_ranges.Where(r => r.End - r.Start >= length).Select(r => (r.Start, r.End - length + 1)));

    /// <summary>
    /// The first minute of each range, then every <paramref name="step"/> minutes counted from
    /// <paramref name="origin"/> (for example a local midnight) inside it.
    /// </summary>
    public IEnumerable<long> Steps(long origin, int step)
    {
        foreach (var (from, to) in _ranges)
        {
            yield return from;
            var next = from + ((((origin - from) % step) + step) % step);
            for (var start = next == from ? from + step : next; start < to; start += step)
            {
                yield return start;
            }
        }
    }

    public bool Contains(long minute) => Overlaps(minute, minute + 1);

    /// <summary>The part of the set inside [<paramref name="from"/>, <paramref name="to"/>), found by binary search.</summary>
    public MinuteSet Slice(long from, long to)
    {
        var first = FirstEndingAfter(from);
        var result = new List<(long, long)>();
        for (var i = first; i < _ranges.Length && _ranges[i].Start < to; i++)
        {
            result.Add((Math.Max(from, _ranges[i].Start), Math.Min(to, _ranges[i].End)));
        }

        return result.Count == 0 ? Empty : new MinuteSet([.. result]);
    }

    private int FirstEndingAfter(long minute)
    {
        var (low, high) = (0, _ranges.Length);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = _ranges[middle].End > minute ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    /// <summary>Whether some minute of [<paramref name="from"/>, <paramref name="to"/>) is in the set, without building the intersection.</summary>
    public bool Overlaps(long from, long to)
    {
        var first = FirstEndingAfter(from);
        return first < _ranges.Length && _ranges[first].Start < to && from < to;
    }

    public bool ContainsRange(long start, long end) => _ranges.Any(r => r.Start <= start && end <= r.End);

    public override string ToString() => string.Join(", ", _ranges.Select(r => $"[{r.Start},{r.End})"));
}
