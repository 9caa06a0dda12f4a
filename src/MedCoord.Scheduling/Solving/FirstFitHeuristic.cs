using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// A fast first-fit: highest priority first (predecessors before successors, fixed bookings before all), each at the
/// earliest start some provider, room and facility allow. It gives the solver a complete starting schedule, and the
/// solve never returns less than it.
/// </summary>
internal static class FirstFitHeuristic
{
    /// <param name="candidates">Every request's candidates.</param>
    /// <param name="start">Placements to keep and build around (whose successors they hold are in it too); none by default.</param>
    public static Book Place(IReadOnlyList<RequestCandidates> candidates, Book? start = null)
    {
        var book = start ?? new Book();
        var placed = book.Placements;
        var decided = new HashSet<string>(placed.Keys, StringComparer.Ordinal);
        var byId = candidates.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);

        foreach (var c in candidates.Where(c => c.Fixed is not null && c.CanBeScheduled && !decided.Contains(c.Request.Id)))
        {
            var f = c.Facilities[0];
            book.Add(c, new Placement(f, f.Providers.FirstOrDefault(), f.Rooms.FirstOrDefault(), c.Fixed!.Start));
            decided.Add(c.Request.Id);
        }

        var order = candidates.Where(c => c.CanBeScheduled && c.Fixed is null)
            .OrderByDescending(c => c.Request.Priority).ThenBy(c => c.Index).ToList();
        bool progress;
        do
        {
            progress = false;
            foreach (var c in order)
            {
                if (decided.Contains(c.Request.Id))
                {
                    continue;
                }

                if (c.Series is { } place)
                {
                    // A series is placed whole, once every request its visits follow outside it is decided.
                    var inSeries = place.Series.RequestIds.ToHashSet(StringComparer.Ordinal);
                    var visits = place.Series.RequestIds.Select(id => byId.GetValueOrDefault(id)).ToList();
                    var outside = visits.OfType<RequestCandidates>().SelectMany(v => v.Request.After).Where(l => !inSeries.Contains(l.RequestId)).ToList();
                    if (outside.Any(l => !decided.Contains(l.RequestId)))
                    {
                        continue;
                    }

                    progress = true;
                    decided.UnionWith(inSeries);
                    if (visits.All(v => v is { CanBeScheduled: true } && !placed.ContainsKey(v.Request.Id)) && outside.All(l => placed.ContainsKey(l.RequestId)))
                    {
                        SeriesPlacement.TryPlace(visits!, book, v => LinkRule.Window(v.Request.After, book.Bookings));
                    }

                    continue;
                }

                if (c.Request.After.Any(l => !decided.Contains(l.RequestId)))
                {
                    continue;
                }

                progress = true;
                decided.Add(c.Request.Id);
                if (c.Request.After.Any(l => !placed.ContainsKey(l.RequestId)))
                {
                    continue;
                }

                var linkWindow = LinkRule.Window(c.Request.After, book.Bookings);

                // The earliest start wins, so options that cannot start before the best found so far are skipped.
                Placement? best = null;
                // Day by day (every facility's days interleaved by their start), so that each look is at one day's
                // bookings only and the search ends at the first day that holds a placement.
                foreach (var (facility, day) in c.Facilities.SelectMany(f => f.Days.Select(d => (Facility: f, Day: d))).OrderBy(x => x.Day.From))
                {
                    if (CannotBeat(day.From, best))
                    {
                        break;
                    }

                    var window = facility.Starts.Slice(day.From, day.To).Intersect(linkWindow);
                    if (window.IsEmpty)
                    {
                        continue;
                    }

                    var starts = ResourceRule.FreeOfPatientAndPools(book, c, facility, window);

                    if (starts.IsEmpty)
                    {
                        continue;
                    }

                    // Each room's free starts once per request, not once per provider-room pair.
                    var rooms = facility.Rooms.Count == 0
                        ? [(Room: (RoomOption?)null, Free: starts)]
                        : facility.Rooms
                            .Where(room => !CannotBeat(room.Starts.Ranges[0].Start, best))
                            .Select(room => (Room: (RoomOption?)room, Free: ResourceRule.FreeIn(book, c, room, starts)))
                            .Where(r => !r.Free.IsEmpty)
                            .ToList();
                    foreach (var provider in facility.Providers.Count == 0 ? [null] : facility.Providers.Cast<ProviderOption?>())
                    {
                        if (provider is not null && CannotBeat(provider.Starts.Ranges[0].Start, best))
                        {
                            continue;
                        }

                        var withProvider = provider is null ? starts : ResourceRule.FreeWith(book, c, provider, starts);
                        if (withProvider.IsEmpty)
                        {
                            continue;
                        }

                        foreach (var (room, free) in rooms)
                        {
                            // Without rooms, the one entry's free starts are all of them, so the intersection is the provider's.
                            var allowed = withProvider.Intersect(free);
                            if (!allowed.IsEmpty && !CannotBeat(allowed.Ranges[0].Start, best))
                            {
                                best = new Placement(facility, provider, room, allowed.Ranges[0].Start);
                            }
                        }
                    }
                }

                if (best is not null)
                {
                    book.Add(c, best);
                }
            }
        }
        while (progress);

        return book;
    }

    /// <summary>
    /// Whether an option whose earliest start is <paramref name="earliest"/> cannot improve on the best placement so far:
    /// it would start no earlier, and on a tie the option found first is kept.
    /// </summary>
    internal static bool CannotBeat(long earliest, Placement? best) => best is not null && earliest >= best.Start;

    /// <summary>The first-fit book, or null where it breaks a link of a fixed booking (whose predecessor it placed too late or not at all).</summary>
    public static Book? PlaceKeepingLinks(IReadOnlyList<RequestCandidates> candidates, Book? start = null)
    {
        var book = Place(candidates, start);
        var byId = candidates.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        return book.Placements.Any(p => LinkRule.FirstBroken(byId[p.Key].Request, p.Value.Start, book.Bookings) is not null) ? null : book;
    }
}
