using System.Globalization;
using Google.OrTools.Sat;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Rule 7, written once: a request that follows another is booked only when its predecessor is, and starts between
/// <see cref="RequestLink.MinGapMinutes"/> and <see cref="RequestLink.MaxGapMinutes"/> after the predecessor ends.
/// The CP-SAT model (<see cref="AddTo"/>), the windows first fit, series placement, recommendations and the book cut
/// starts to (<see cref="Window(RequestLink, long)"/>, <see cref="WindowBefore"/>), the checks of a book or of fixed
/// bookings (<see cref="FirstBroken"/>, <see cref="Holds"/>) and their explanations (<see cref="Explain"/>,
/// <see cref="Allowed"/>) all come from here.
/// </summary>
internal static class LinkRule
{
    /// <summary>Whether a successor starting at <paramref name="start"/> keeps the link's gap after a predecessor ending at <paramref name="previousEnd"/>.</summary>
    public static bool Holds(RequestLink link, long previousEnd, long start) =>
        start - previousEnd >= link.MinGapMinutes && (link.MaxGapMinutes is not { } max || start - previousEnd <= max);

    /// <summary>The starts that keep the link's gap after a predecessor ending at <paramref name="previousEnd"/>.</summary>
    public static MinuteSet Window(RequestLink link, long previousEnd) =>
        MinuteSet.Of(previousEnd + link.MinGapMinutes, link.MaxGapMinutes is { } max ? previousEnd + max + 1 : MinuteSet.Highest);

    /// <summary>
    /// The starts of a predecessor of <paramref name="duration"/> minutes that keep the link's gap before a successor
    /// starting at <paramref name="nextStart"/>.
    /// </summary>
    public static MinuteSet WindowBefore(RequestLink link, long nextStart, int duration)
    {
        var latestEnd = nextStart - link.MinGapMinutes;
        var earliestEnd = link.MaxGapMinutes is { } max ? nextStart - max : MinuteSet.Lowest + duration;
        return MinuteSet.Of(earliestEnd - duration, latestEnd - duration + 1);
    }

    /// <summary>The starts the gaps after booked predecessors allow (predecessors not in <paramref name="bookings"/> are not counted).</summary>
    public static MinuteSet Window(IEnumerable<RequestLink> links, IReadOnlyDictionary<string, Booking> bookings)
    {
        var window = MinuteSet.All;
        foreach (var link in links)
        {
            if (bookings.TryGetValue(link.RequestId, out var previous))
            {
                window = window.Intersect(Window(link, previous.End));
            }
        }

        return window;
    }

    /// <summary>
    /// The first link of a booked request that does not hold in <paramref name="bookings"/> (its predecessor not booked,
    /// or booked at the wrong gap); null when every link holds.
    /// </summary>
    public static RequestLink? FirstBroken(AppointmentRequest request, long start, IReadOnlyDictionary<string, Booking> bookings) =>
        request.After.FirstOrDefault(l => !bookings.TryGetValue(l.RequestId, out var previous) || !Holds(l, previous.End, start));

    /// <summary>Why a broken <paramref name="link"/> does not hold: a sentence naming the predecessor's id.</summary>
    public static string Explain(RequestLink link, IReadOnlyDictionary<string, Booking> bookings) =>
        bookings.ContainsKey(link.RequestId)
            ? $"does not keep the gap of its link to request '{link.RequestId}'"
            : $"is booked but request '{link.RequestId}', which it follows, is not";

    /// <summary>The gaps a link allows, for people: "15 to 60" or "15 to any".</summary>
    public static string Allowed(RequestLink link) =>
        $"{link.MinGapMinutes} to {(link.MaxGapMinutes is { } max ? max.ToString(CultureInfo.InvariantCulture) : "any")}";

    /// <summary>The rule in the CP-SAT model: a scheduled request's predecessors are scheduled, and it starts within each link's gaps after they end.</summary>
    public static void AddTo(ScheduleModel model)
    {
        foreach (var v in model.Requests.Values)
        {
            foreach (var link in v.Candidates.Request.After)
            {
                var previous = model.Requests[link.RequestId];
                model.Model.AddImplication(v.Scheduled, previous.Scheduled);
                var gap = v.Start - previous.Start - previous.Candidates.Duration;
                model.Model.Add(gap >= link.MinGapMinutes).OnlyEnforceIf(v.Scheduled);
                if (link.MaxGapMinutes is { } max)
                {
                    model.Model.Add(gap <= max).OnlyEnforceIf(v.Scheduled);
                }
            }
        }
    }
}
