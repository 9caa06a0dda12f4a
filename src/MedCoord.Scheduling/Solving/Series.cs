using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Rule 10 on placements: a series' visits are booked all or none; visit <c>k</c> starts on the first visit's local date
/// plus <c>k × intervalDays</c>, within the tolerance of its local time of day, and (where asked) with one provider.
/// Local times are read in each visit's facility zone.
/// </summary>
internal static class SeriesRule
{
    /// <summary>Minutes since 1970-01-01T00:00 on the facility's wall clock at a start it allows.</summary>
    public static long LocalMinute(FacilityOption facility, long start) =>
        start + facility.Segments.First(s => s.From <= start && start < s.To).Shift;

    /// <summary>The starts (in the facility's allowed starts) whose wall-clock minute lies in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static MinuteSet StartsAtLocal(FacilityOption facility, long from, long to) =>
        facility.Starts.Intersect(MinuteSet.FromRanges(facility.Segments
            .Select(s => (Start: Math.Max(s.From, from - s.Shift), End: Math.Min(s.To, to - s.Shift + 1)))
            .Where(r => r.Start < r.End)));

    /// <summary>The wall-clock minutes visit <paramref name="k"/> may start at, given the first visit's wall-clock start.</summary>
    public static (long From, long To) WindowOf(RequestSeries series, long firstLocal, int k)
    {
        var (day, time) = (Math.DivRem(firstLocal, 1440L).Quotient, Math.DivRem(firstLocal, 1440L).Remainder);
        var target = (day + ((long)k * series.IntervalDays)) * 1440;
        return (target + Math.Max(0, time - series.ToleranceMinutes), target + Math.Min(1439, time + series.ToleranceMinutes));
    }

    /// <summary>Whether placed visits (in series order, every one placed) keep the series' cadence and provider.</summary>
    public static bool Holds(RequestSeries series, IReadOnlyList<Placement> visits)
    {
        var firstLocal = LocalMinute(visits[0].Facility, visits[0].Start);
        for (var k = 1; k < visits.Count; k++)
        {
            var (from, to) = WindowOf(series, firstLocal, k);
            var local = LocalMinute(visits[k].Facility, visits[k].Start);
            if (local < from || local > to)
            {
                return false;
            }
        }

        var providers = visits.Where(v => v.Provider is not null).Select(v => v.Provider!.ProviderId).Distinct(StringComparer.Ordinal).Count();
        return !series.SameProvider || providers <= 1;
    }
}

/// <summary>
/// First fit for a series: the first visit at its earliest free starts (every start of a free stretch and every
/// quarter hour of the wall clock after it), each later visit at its earliest free start on its date within the
/// tolerance, with the same provider where the series asks; the first choice of first visit that places every visit
/// wins. The search gives up after a bounded number of first-visit starts and leaves the series to CP-SAT.
/// </summary>
internal static class SeriesPlacement
{
    private const int MaxFirstVisitStarts = 2000;

    private const int Step = 15;

    /// <param name="visits">The series' visits in order, each with every predecessor outside the series placed in <paramref name="book"/>.</param>
    /// <param name="book">The book; the visits are added to it when they all fit, and it is left as it was when they do not.</param>
    /// <param name="linkWindow">The starts a visit's links to booked requests allow.</param>
    public static bool TryPlace(IReadOnlyList<RequestCandidates> visits, Book book, Func<RequestCandidates, MinuteSet> linkWindow)
    {
        var series = visits[0].Series!.Series;
        var first = visits[0];
        var tries = 0;
        foreach (var (facility, day) in first.Facilities.SelectMany(f => f.Days.Select(d => (Facility: f, Day: d))).OrderBy(x => x.Day.From))
        {
            var window = facility.Starts.Slice(day.From, day.To).Intersect(linkWindow(first));
            foreach (var provider in facility.Providers.Count == 0 ? [null] : facility.Providers.Cast<ProviderOption?>())
            {
                var free = FreeStarts(book, first, facility, provider, window);
                foreach (var start in free.Steps(day.From, Step))
                {
                    if (++tries > MaxFirstVisitStarts)
                    {
                        return false;
                    }

                    if (TryFrom(visits, book, linkWindow, series, new Placement(facility, provider, FreeRoom(book, first, facility, start), start)))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool TryFrom(IReadOnlyList<RequestCandidates> visits, Book book, Func<RequestCandidates, MinuteSet> linkWindow, RequestSeries series, Placement firstPlacement)
    {
        var placed = new List<Placement> { firstPlacement };
        book.Add(visits[0], firstPlacement);
        var firstLocal = SeriesRule.LocalMinute(firstPlacement.Facility, firstPlacement.Start);
        var provider = firstPlacement.Provider?.ProviderId;
        for (var k = 1; k < visits.Count; k++)
        {
            var v = visits[k];
            var (from, to) = SeriesRule.WindowOf(series, firstLocal, k);
            Placement? best = null;
            foreach (var facility in v.Facilities)
            {
                var window = SeriesRule.StartsAtLocal(facility, from, to).Intersect(linkWindow(v));
                foreach (var option in facility.Providers.Count == 0 ? [null] : facility.Providers.Cast<ProviderOption?>())
                {
                    if (series.SameProvider && provider is not null && option is not null && option.ProviderId != provider)
                    {
                        continue;
                    }

                    var free = FreeStarts(book, v, facility, option, window);
                    if (!free.IsEmpty && (best is null || free.Ranges[0].Start < best.Start))
                    {
                        var start = free.Ranges[0].Start;
                        best = new Placement(facility, option, FreeRoom(book, v, facility, start), start);
                    }
                }
            }

            if (best is null)
            {
                break;
            }

            book.Add(v, best);
            placed.Add(best);
            provider ??= best.Provider?.ProviderId;
        }

        if (placed.Count == visits.Count && SeriesRule.Holds(series, placed) && LinksHold(visits, book))
        {
            return true;
        }

        for (var k = 0; k < placed.Count; k++)
        {
            book.Remove(visits[k].Request.Id);
        }

        return false;
    }

    /// <summary>Links between visits of the series (those to other requests were kept by the link windows).</summary>
    private static bool LinksHold(IReadOnlyList<RequestCandidates> visits, Book book) =>
        visits.All(v => v.Request.Links.All(l => book.Bookings.TryGetValue(l.RequestId, out var before)
            && LinkRule.Holds(l, before.End, book.Bookings[v.Request.Id].Start)));

    /// <summary>Starts in <paramref name="window"/> where the patient, the provider, the pools and some room are free.</summary>
    private static MinuteSet FreeStarts(Book book, RequestCandidates c, FacilityOption facility, ProviderOption? provider, MinuteSet window)
    {
        var starts = Book.Free(window, s => book.PatientBlocked(c.Request.PatientId, c.Duration, s));
        foreach (var pool in facility.Pools)
        {
            starts = Book.Free(starts, s => book.PoolBlocked(pool, c.Duration, s));
        }

        if (provider is not null)
        {
            starts = Book.Free(starts.Intersect(provider.Starts), s => book.ProviderBlocked(provider.ProviderId, c.Duration, s));
        }

        return facility.Rooms.Count == 0 || starts.IsEmpty
            ? starts
            : MinuteSet.FromRanges(facility.Rooms.SelectMany(r => Book.Free(starts.Intersect(r.Starts), s => book.RoomBlocked(r, c.Duration + c.Type.BufferMinutes, s)).Ranges));
    }

    private static RoomOption? FreeRoom(Book book, RequestCandidates c, FacilityOption facility, long start)
    {
        var at = MinuteSet.Of(start, start + 1);
        return facility.Rooms.FirstOrDefault(r => r.Starts.Contains(start) && book.RoomBlocked(r, c.Duration + c.Type.BufferMinutes, at).IsEmpty);
    }
}
