using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Operations;

/// <summary>What happened to a previously booked appointment in a re-plan.</summary>
public enum AppointmentChangeKind
{
    /// <summary>Booked again, at another time, provider, room or facility.</summary>
    Moved,

    /// <summary>No longer booked.</summary>
    Dropped,
}

/// <summary>One previously booked appointment that a re-plan moved or dropped.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Kind">Moved or dropped.</param>
/// <param name="Before">The appointment in the previous schedule.</param>
/// <param name="After">The new appointment; null when dropped.</param>
/// <param name="Reason">Why, for people; names ids only.</param>
public sealed record AppointmentChange(string RequestId, AppointmentChangeKind Kind, Assignment Before, Assignment? After, string Reason);

/// <summary>A re-plan: the new schedule and every appointment of the previous one that it moved or dropped.</summary>
/// <param name="Schedule">The new schedule.</param>
/// <param name="Changes">Moved and dropped appointments, by request id; an appointment kept where it was is not listed.</param>
public sealed record ReplanResult(Schedule Schedule, IReadOnlyList<AppointmentChange> Changes);

/// <summary>
/// Works out which appointments of a previous schedule still stand in a changed problem: each where it was, with its
/// provider, room and facility still allowing it, its duration unchanged, clear of fixed bookings and of
/// higher-priority appointments kept before it, and its links still kept. The rest are displaced, with the reason.
/// </summary>
internal static class Replanning
{
    public static (Book Book, Dictionary<string, Anchor> Anchors, Dictionary<string, string> Displaced) Keep(
        Calendar calendar, IReadOnlyList<RequestCandidates> candidates, Schedule previous)
    {
        var byId = candidates.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        var book = new Book();
        var anchors = new Dictionary<string, Anchor>(StringComparer.Ordinal);
        var displaced = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in candidates.Where(c => c.Fixed is not null && c.CanBeScheduled))
        {
            var f = c.Facilities[0];
            book.Add(c, new Placement(f, f.Providers.FirstOrDefault(), f.Rooms.FirstOrDefault(), c.Fixed!.Start));
        }

        var ordered = previous.Assignments
            .OrderByDescending(a => byId.TryGetValue(a.RequestId, out var c) ? c.Request.Priority : 0)
            .ThenBy(a => a.Start.ToInstant()).ThenBy(a => a.RequestId, StringComparer.Ordinal);
        foreach (var a in ordered)
        {
            if (!byId.TryGetValue(a.RequestId, out var c))
            {
                if (calendar.Requests.ContainsKey(a.RequestId))
                {
                    displaced[a.RequestId] = "its request can no longer be booked at all";
                }

                continue;
            }

            if (c.Fixed is not null)
            {
                continue;
            }

            if (!c.CanBeScheduled)
            {
                displaced[a.RequestId] = c.StaticMessage!;
                continue;
            }

            var start = calendar.Timeline.ToMinute(a.Start.ToInstant());
            var (placement, why) = StillStands(calendar, book, c, a, start);
            if (placement is null)
            {
                displaced[a.RequestId] = why!;
                continue;
            }

            book.Add(c, placement);
            anchors[a.RequestId] = new Anchor(a.FacilityId, a.ProviderId, a.RoomId, start);
        }

        // Links: a kept request whose predecessor is not kept, or whose gap no longer holds, is displaced too.
        bool changed;
        do
        {
            changed = false;
            foreach (var id in anchors.Keys.ToList())
            {
                if (!anchors.ContainsKey(id))
                {
                    continue;
                }

                var c = byId[id];
                var broken = LinkRule.FirstBroken(c.Request, book.Bookings[id].Start, book.Bookings);
                if (broken is not null)
                {
                    book.Remove(id);
                    anchors.Remove(id);
                    displaced[id] = $"its link to request '{broken.RequestId}' no longer holds where it was";
                    changed = true;
                }
                else if (c.Series is { } place && !SeriesRule.Stands(place.Series, book.Placements))
                {
                    // A series is booked whole and at its cadence: one visit that cannot stay unsettles the rest.
                    foreach (var visit in place.Series.RequestIds.Where(anchors.ContainsKey))
                    {
                        book.Remove(visit);
                        anchors.Remove(visit);
                        displaced[visit] = $"its series '{place.Series.Id}' no longer stands where it was booked";
                    }

                    changed = true;
                }
            }
        }
        while (changed);

        return (book, anchors, displaced);
    }

    private static (Placement? Placement, string? Why) StillStands(Calendar calendar, Book book, RequestCandidates c, Assignment a, long start)
    {
        var end = calendar.Timeline.ToMinute(a.End.ToInstant());
        if (end - start != c.Duration)
        {
            return (null, $"it now takes {c.Duration} minutes, not {end - start}");
        }

        var facility = c.Facilities.FirstOrDefault(f => f.FacilityId == a.FacilityId);
        if (facility is null || !calendar.FacilityStarts(c.Request, a.FacilityId).Contains(start))
        {
            return (null, $"facility '{a.FacilityId}' hours, the patient's availability or the request's window no longer allow that time");
        }

        var provider = a.ProviderId is null ? null : facility.Providers.FirstOrDefault(p => p.ProviderId == a.ProviderId);
        if (c.Type.BooksProvider && (provider is null || !provider.Starts.Contains(start)))
        {
            return (null, a.ProviderId is null ? "its appointment type now books a provider" : $"provider '{a.ProviderId}' is no longer available then");
        }

        var room = a.RoomId is null ? null : facility.Rooms.FirstOrDefault(r => r.RoomId == a.RoomId);
        if (c.Type.BooksRoom && (room is null || !room.Starts.Contains(start)))
        {
            return (null, a.RoomId is null ? "its appointment type now books a room" : $"room '{a.RoomId}' is no longer available then");
        }

        if (!facility.Starts.Contains(start))
        {
            return (null, "that time is no longer open for it");
        }

        var placement = new Placement(facility, provider, room, start);
        return ResourceRule.Clash(book, c, placement) switch
        {
            null => (placement, null),
            ("patient", _) => (null, "the patient now has a fixed booking or a higher-priority appointment then"),
            ("equipment", var pool) => (null, $"every unit of equipment pool '{pool}' is now taken then by a fixed booking or a higher-priority appointment"),
            var (kind, id) => (null, $"{kind} '{id}' is now taken then by a fixed booking or a higher-priority appointment"),
        };
    }

    /// <summary>Every previous appointment the new schedule moved or dropped, with why.</summary>
    public static List<AppointmentChange> Changes(Schedule previous, Schedule next, IReadOnlyDictionary<string, string> displaced, ISet<string> problemRequests)
    {
        var after = next.Assignments.ToDictionary(a => a.RequestId, StringComparer.Ordinal);
        var unscheduled = next.Unscheduled.ToDictionary(u => u.RequestId, StringComparer.Ordinal);
        var changes = new List<AppointmentChange>();
        foreach (var before in previous.Assignments.OrderBy(a => a.RequestId, StringComparer.Ordinal))
        {
            var id = before.RequestId;
            if (!problemRequests.Contains(id))
            {
                changes.Add(new(id, AppointmentChangeKind.Dropped, before, null, "the request is no longer in the problem"));
            }
            else if (after.TryGetValue(id, out var now))
            {
                if (!Same(before, now))
                {
                    changes.Add(new(id, AppointmentChangeKind.Moved, before, now,
                        displaced.TryGetValue(id, out var why) ? why : "moved so that more priority could be booked"));
                }
            }
            else
            {
                var reason = displaced.TryGetValue(id, out var why) ? why : "dropped so that more priority could be booked";
                changes.Add(new(id, AppointmentChangeKind.Dropped, before, null, $"{reason}; {unscheduled[id].Message}"));
            }
        }

        return changes;
    }

    /// <summary>Kept where it was: same place, same people, same start and same end (an appointment that now takes longer has changed).</summary>
    private static bool Same(Assignment a, Assignment b) =>
        a.FacilityId == b.FacilityId && a.ProviderId == b.ProviderId && a.RoomId == b.RoomId && a.Start.ToInstant() == b.Start.ToInstant() && a.End.ToInstant() == b.End.ToInstant();
}
