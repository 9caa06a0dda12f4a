using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

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
                var free = ResourceRule.FreeStarts(book, first, facility, provider, window);
                foreach (var start in free.Steps(day.From, Step))
                {
                    if (++tries > MaxFirstVisitStarts)
                    {
                        return false;
                    }

                    if (TryFrom(visits, book, linkWindow, series, new Placement(facility, provider, ResourceRule.FreeRoom(book, first, facility, start), start)))
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

                    var free = ResourceRule.FreeStarts(book, v, facility, option, window);
                    if (!free.IsEmpty && (best is null || free.Ranges[0].Start < best.Start))
                    {
                        var start = free.Ranges[0].Start;
                        best = new Placement(facility, option, ResourceRule.FreeRoom(book, v, facility, start), start);
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
        visits.All(v => LinkRule.FirstBroken(v.Request, book.Bookings[v.Request.Id].Start, book.Bookings) is null);
}

