using System.Diagnostics.CodeAnalysis;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Scheduling.Operations;

/// <summary>What a cancellation did to the book.</summary>
/// <param name="Schedule">The new book: every other appointment unchanged, the freed time offered to waiting requests.</param>
/// <param name="Filled">Waiting requests booked into the freed time, in the order they were offered it.</param>
/// <param name="Released">Appointments that had to go with the cancelled one: booked requests that follow it through links, and the other visits of its series (and what follows them).</param>
public sealed record FillResult(Schedule Schedule, IReadOnlyList<Assignment> Filled, IReadOnlyList<UnscheduledRequest> Released);

/// <summary>
/// Offers the time a cancellation frees to the waiting list: requests not in the book, highest priority first (then
/// the earliest first acceptable date, then the problem's order), each given its best slot that uses the freed time
/// of the cancelled appointments' providers, rooms, patients or equipment, against every rule and without moving any
/// other booking.
/// </summary>
public static class WaitlistFiller
{
    /// <param name="problem">The problem the book belongs to.</param>
    /// <param name="book">The current book.</param>
    /// <param name="cancelledRequestId">The booked request whose appointment is cancelled.</param>
    /// <param name="stepMinutes">Spacing of the starts tried on the local clock (as for recommendations).</param>
    /// <param name="cancellationToken">Stops offering the freed time to further waiting requests: the new book then holds what was filled so far.</param>
    /// <returns>The new book and what changed.</returns>
    /// <exception cref="ProblemValidationException">The problem or the book is bad input.</exception>
    /// <exception cref="RequestRefusedException">The request is unknown, not booked, or a fixed booking.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public static FillResult Fill(Problem problem, Schedule book, string cancelledRequestId, int stepMinutes = 5, CancellationToken cancellationToken = default) =>
        Fill(ValidatedProblem.Create(problem), book, cancelledRequestId, stepMinutes, cancellationToken);

    /// <summary>As <see cref="Fill(Problem, Schedule, string, int, CancellationToken)"/>, for a problem validated once already.</summary>
    /// <param name="validated">The validated problem the book belongs to.</param>
    /// <param name="book">The current book.</param>
    /// <param name="cancelledRequestId">The booked request whose appointment is cancelled.</param>
    /// <param name="stepMinutes">Spacing of the starts tried on the local clock (as for recommendations).</param>
    /// <param name="cancellationToken">Stops offering the freed time to further waiting requests: the new book then holds what was filled so far.</param>
    /// <returns>The new book and what changed.</returns>
    /// <exception cref="ProblemValidationException">The book is bad input.</exception>
    /// <exception cref="RequestRefusedException">The request is unknown, not booked, or a fixed booking.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public static FillResult Fill(ValidatedProblem validated, Schedule book, string cancelledRequestId, int stepMinutes = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(validated);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(cancelledRequestId);
        var problem = validated.Problem;
        var recommender = new SlotRecommender(validated, book);
        var cancelled = book.Assignments.FirstOrDefault(a => a.RequestId == cancelledRequestId)
            ?? throw new RequestRefusedException(problem.Requests.Any(r => r.Id == cancelledRequestId)
                ? new(cancelledRequestId, RequestRefusalReason.NotBooked, $"request '{cancelledRequestId}' is not booked")
                : new(cancelledRequestId, RequestRefusalReason.UnknownRequest, $"unknown request '{cancelledRequestId}'"), nameof(cancelledRequestId));
        if (problem.Fixed.Any(f => f.RequestId == cancelledRequestId))
        {
            throw new RequestRefusedException(
                new(cancelledRequestId, RequestRefusalReason.FixedBooking, $"request '{cancelledRequestId}' is a fixed booking: take it out of the problem's fixed bookings to cancel it"),
                nameof(cancelledRequestId));
        }

        // Requests that follow the cancelled one, directly or not, cannot stay booked (rule 7), nor can the other
        // visits of a series one of them belongs to (rule 10), nor what follows those.
        var gone = new Dictionary<string, UnscheduledRequest>(StringComparer.Ordinal)
        {
            [cancelledRequestId] = new(cancelledRequestId, UnscheduledReason.Cancelled, "its appointment was cancelled"),
        };
        var bookedIds = book.Assignments.Select(a => a.RequestId).ToHashSet(StringComparer.Ordinal);
        bool grew;
        do
        {
            grew = false;
            foreach (var r in problem.Requests.Where(r => bookedIds.Contains(r.Id) && !gone.ContainsKey(r.Id)))
            {
                if (r.After.FirstOrDefault(l => gone.ContainsKey(l.RequestId)) is { } link)
                {
                    gone[r.Id] = new(r.Id, UnscheduledReason.PredecessorUnscheduled, $"it follows request '{link.RequestId}', whose appointment was cancelled");
                    grew = true;
                }
                else if (problem.Series.FirstOrDefault(x => x.RequestIds.Contains(r.Id, StringComparer.Ordinal) && x.RequestIds.Any(gone.ContainsKey)) is { } series)
                {
                    gone[r.Id] = new(r.Id, UnscheduledReason.SeriesIncomplete,
                        $"request '{series.RequestIds.First(gone.ContainsKey)}' of its series '{series.Id}' lost its appointment, and a series is booked whole");
                    grew = true;
                }
            }
        }
        while (grew);

        var kept = book.Assignments.Where(a => !gone.ContainsKey(a.RequestId)).ToList();
        var freed = book.Assignments.Where(a => gone.ContainsKey(a.RequestId)).ToList();
        var freedTime = freed.Select(a => recommender.Release(a.RequestId)).ToList();

        // Freed time is any the cancelled appointments held: their providers', rooms' (through the buffer), patients'
        // and equipment's. A request that fits the book after the cancellation and did not before takes some of it,
        // so offering it all leaves the book as full as it can be without moving anything.
        static bool Overlaps(long from, long to, Booking b) => b.Start < to && from < b.End;
        bool UsesFreedTime(Booking b) => freedTime.Any(f =>
            (f.ProviderId is not null && f.ProviderId == b.ProviderId && Overlaps(f.Start, f.End, b))
            || (f.RoomId is not null && f.RoomId == b.RoomId && b.Start < f.RoomEnd && f.Start < b.RoomEnd)
            || (f.PatientId == b.PatientId && Overlaps(f.Start, f.End, b))
            || (f.PoolIds.Intersect(b.PoolIds, StringComparer.Ordinal).Any() && Overlaps(f.Start, f.End, b)));

        // A waiting series is booked whole by a solve or a re-plan, not into one freed slot.
        var inSeries = problem.Series.SelectMany(x => x.RequestIds).ToHashSet(StringComparer.Ordinal);
        var waiting = problem.Requests
            .Select((r, index) => (Request: r, Index: index))
            .Where(x => !bookedIds.Contains(x.Request.Id) && !inSeries.Contains(x.Request.Id))
            .OrderByDescending(x => x.Request.Priority).ThenBy(x => x.Request.Earliest ?? problem.Horizon.Start).ThenBy(x => x.Index)
            .Select(x => x.Request);
        // Pass after pass until nothing more is filled: a request whose predecessor was filled later in a pass may fit now.
        var filled = new List<Assignment>();
        var left = waiting.ToList();
        bool more;
        do
        {
            more = false;
            foreach (var request in left.ToList())
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    more = false;
                    break;
                }

                if (recommender.Recommend(request.Id, 1, stepMinutes, UsesFreedTime).Slots is [var slot])
                {
                    recommender.Book(request.Id, slot);
                    filled.Add(new Assignment(request.Id, request.PatientId, slot.ProviderId, slot.RoomId, slot.FacilityId, slot.Start, slot.End));
                    left.Remove(request);
                    more = true;
                }
            }
        }
        while (more);

        var released = freed.Where(a => a.RequestId != cancelledRequestId).Select(a => gone[a.RequestId]).ToList();
        var filledIds = filled.Select(a => a.RequestId).ToHashSet(StringComparer.Ordinal);
        var assignments = kept.Concat(filled).OrderBy(a => a.Start.ToInstant()).ThenBy(a => a.RequestId, StringComparer.Ordinal).ToList();
        var unscheduled = book.Unscheduled.Where(u => !filledIds.Contains(u.RequestId) && !gone.ContainsKey(u.RequestId))
            .Append(gone[cancelledRequestId])
            .Concat(released)
            .OrderBy(u => u.RequestId, StringComparer.Ordinal)
            .ToList();
        var requests = problem.Requests.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var priority = assignments.Sum(a => (long)requests[a.RequestId].Priority);
        var waitingCost = assignments.Sum(a => (long)requests[a.RequestId].Priority
            * Period.Between(requests[a.RequestId].Earliest ?? problem.Horizon.Start, a.Start.Date, PeriodUnits.Days).Days);
        var schedule = new Schedule(ScheduleStatus.Feasible, new ScheduleObjective(priority, Math.Max(priority, book.Objective.UpperBound), waitingCost),
            assignments, unscheduled, book.Stats);
        return new FillResult(schedule, filled, released);
    }
}
