using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>One request placed by the heuristic.</summary>
internal sealed record Placement(FacilityOption Facility, ProviderOption? Provider, RoomOption? Room, long Start);

/// <summary>
/// A fast first-fit: highest priority first (predecessors before successors, fixed bookings before all), each at the
/// earliest start some provider, room and facility allow. It gives the solver a complete starting schedule, and the
/// solve never returns less than it.
/// </summary>
internal static class FirstFitHeuristic
{
    public static Dictionary<string, Placement> Place(IReadOnlyList<RequestCandidates> candidates)
    {
        var placed = new Dictionary<string, Placement>(StringComparer.Ordinal);
        var decided = new HashSet<string>(StringComparer.Ordinal);
        var providerBusy = new Dictionary<string, List<(long Start, long End)>>(StringComparer.Ordinal);
        var roomBusy = new Dictionary<string, List<(long Start, long End)>>(StringComparer.Ordinal);
        var patientBusy = new Dictionary<string, List<(long Start, long End)>>(StringComparer.Ordinal);
        var byId = candidates.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);

        void Book(RequestCandidates c, Placement p)
        {
            placed[c.Request.Id] = p;
            Busy(patientBusy, c.Request.PatientId).Add((p.Start, p.Start + c.Duration));
            if (p.Provider is not null)
            {
                Busy(providerBusy, p.Provider.ProviderId).Add((p.Start, p.Start + c.Duration));
            }

            if (p.Room is not null)
            {
                Busy(roomBusy, p.Room.RoomId).Add((p.Start, p.Start + c.Duration + c.Type.BufferMinutes));
            }
        }

        foreach (var c in candidates.Where(c => c.Fixed is not null && c.CanBeScheduled))
        {
            var f = c.Facilities[0];
            Book(c, new Placement(f, f.Providers.FirstOrDefault(), f.Rooms.FirstOrDefault(), c.Fixed!.Start));
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
                if (decided.Contains(c.Request.Id) || c.Request.Links.Any(l => !decided.Contains(l.RequestId)))
                {
                    continue;
                }

                progress = true;
                decided.Add(c.Request.Id);
                if (c.Request.Links.Any(l => !placed.ContainsKey(l.RequestId)))
                {
                    continue;
                }

                var linkWindow = MinuteSet.All;
                foreach (var link in c.Request.Links)
                {
                    var previousEnd = placed[link.RequestId].Start + byId[link.RequestId].Duration;
                    linkWindow = linkWindow.Intersect(MinuteSet.Of(previousEnd + link.MinGapMinutes, link.MaxGapMinutes is { } max ? previousEnd + max + 1 : MinuteSet.Highest));
                }

                var patientBlocked = Blocked(patientBusy, c.Request.PatientId, c.Duration);
                Placement? best = null;
                foreach (var facility in c.Facilities)
                {
                    var starts = facility.Starts.Intersect(linkWindow).Subtract(patientBlocked);
                    if (starts.IsEmpty)
                    {
                        continue;
                    }

                    // Each room's free starts once per request, not once per provider-room pair.
                    var rooms = facility.Rooms.Count == 0
                        ? [(Room: (RoomOption?)null, Free: starts)]
                        : facility.Rooms
                            .Select(room => (Room: (RoomOption?)room, Free: starts.Intersect(room.Starts).Subtract(Blocked(roomBusy, room.RoomId, c.Duration + c.Type.BufferMinutes))))
                            .Where(r => !r.Free.IsEmpty)
                            .ToList();
                    foreach (var provider in facility.Providers.Count == 0 ? [null] : facility.Providers.Cast<ProviderOption?>())
                    {
                        var withProvider = provider is null ? starts : starts.Intersect(provider.Starts).Subtract(Blocked(providerBusy, provider.ProviderId, c.Duration));
                        if (withProvider.IsEmpty)
                        {
                            continue;
                        }

                        foreach (var (room, free) in rooms)
                        {
                            var allowed = room is null ? withProvider : withProvider.Intersect(free);
                            if (!allowed.IsEmpty && (best is null || allowed.Ranges[0].Start < best.Start))
                            {
                                best = new Placement(facility, provider, room, allowed.Ranges[0].Start);
                            }
                        }
                    }
                }

                if (best is not null)
                {
                    Book(c, best);
                }
            }
        }
        while (progress);

        return placed;
    }

    /// <summary>The starts a new booking occupying <paramref name="length"/> minutes may not take because of existing bookings.</summary>
    private static MinuteSet Blocked(Dictionary<string, List<(long Start, long End)>> busy, string key, long length) =>
        busy.TryGetValue(key, out var list)
            ? MinuteSet.FromRanges(list.Select(b => (b.Start - length + 1, b.End)))
            : MinuteSet.Empty;

    private static List<(long Start, long End)> Busy(Dictionary<string, List<(long Start, long End)>> map, string key) =>
        map.TryGetValue(key, out var list) ? list : map[key] = [];
}
