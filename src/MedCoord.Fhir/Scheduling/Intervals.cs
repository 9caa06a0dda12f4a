using MedCoord.Scheduling.Model;
using NodaTime;

namespace MedCoord.Fhir.Scheduling;

/// <summary>Sorted, disjoint lists of intervals, for the free time written as Slots.</summary>
internal static class Intervals
{
    /// <summary>A weekly block on each horizon date with a listed weekday, read in the zone (lenient resolver, 24:00 the next midnight).</summary>
    public static List<Interval> Weekly(WeeklyHours hours, DateTimeZone zone, DateInterval horizon)
    {
        var result = new List<Interval>();
        foreach (var date in horizon)
        {
            if (!hours.Days.Contains(date.DayOfWeek))
            {
                continue;
            }

            var start = zone.AtLeniently(date.At(hours.From)).ToInstant();
            var end = hours.EndsAtEndOfDay ? zone.AtLeniently(date.PlusDays(1).AtMidnight()).ToInstant() : zone.AtLeniently(date.At(hours.To)).ToInstant();
            if (end > start)
            {
                result.Add(new Interval(start, end));
            }
        }

        return Merge(result);
    }

    /// <summary>The union, sorted, touching intervals joined.</summary>
    public static List<Interval> Merge(IEnumerable<Interval> intervals)
    {
        var result = new List<Interval>();
        foreach (var i in intervals.OrderBy(i => i.Start))
        {
            if (result.Count > 0 && i.Start <= result[^1].End)
            {
                result[^1] = new Interval(result[^1].Start, Instant.Max(result[^1].End, i.End));
            }
            else
            {
                result.Add(i);
            }
        }

        return result;
    }

    /// <summary>Where both sorted, disjoint lists hold.</summary>
    public static List<Interval> Intersect(List<Interval> a, List<Interval> b)
    {
        var result = new List<Interval>();
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                var (start, end) = (Instant.Max(x.Start, y.Start), Instant.Min(x.End, y.End));
                if (start < end)
                {
                    result.Add(new Interval(start, end));
                }
            }
        }

        return Merge(result);
    }

    /// <summary>What of <paramref name="a"/> lies outside the sorted, disjoint <paramref name="b"/>.</summary>
    public static List<Interval> Subtract(List<Interval> a, List<Interval> b)
    {
        var result = new List<Interval>();
        foreach (var x in a)
        {
            var start = x.Start;
            foreach (var y in b.Where(y => y.End > x.Start && y.Start < x.End))
            {
                if (y.Start > start)
                {
                    result.Add(new Interval(start, y.Start));
                }

                start = Instant.Max(start, y.End);
            }

            if (start < x.End)
            {
                result.Add(new Interval(start, x.End));
            }
        }

        return result;
    }

    /// <summary>Where at least <paramref name="capacity"/> of the intervals overlap.</summary>
    public static List<Interval> Full(List<Interval> held, int capacity)
    {
        var events = held.SelectMany(h => new[] { (At: h.Start, Change: 1), (At: h.End, Change: -1) }).OrderBy(e => e.At).ThenBy(e => e.Change).ToList();
        var result = new List<Interval>();
        var count = 0;
        Instant? since = null;
        foreach (var (at, change) in events)
        {
            count += change;
            if (count >= capacity && since is null)
            {
                since = at;
            }
            else if (count < capacity && since is { } from)
            {
                // Never empty: an end sorts before a start at the same instant, so a stretch ends after it began.
                result.Add(new Interval(from, at));
                since = null;
            }
        }

        return Merge(result);
    }
}
