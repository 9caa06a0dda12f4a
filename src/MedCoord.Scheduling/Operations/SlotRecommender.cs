using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Scheduling.Operations;

/// <summary>How booking one slot would change the schedule's objective.</summary>
/// <param name="ScheduledPriority">Priority gained (level 1).</param>
/// <param name="WaitingCost">Waiting cost added: priority × days after the request's earliest date (level 2).</param>
/// <param name="PreferredProvider">1 when the slot is with the request's preferred provider (level 3), else 0.</param>
/// <param name="SoftRuleCost">The weighted soft-rule cost added (level 2, with waiting), under the problem's soft-rule weights; 0 without them.</param>
public sealed record ObjectiveChange(long ScheduledPriority, long WaitingCost, int PreferredProvider, long SoftRuleCost = 0);

/// <summary>One bookable slot for a request.</summary>
/// <param name="ProviderId">The provider, or null when the type books none.</param>
/// <param name="RoomId">The room, or null when the type books none.</param>
/// <param name="FacilityId">The facility.</param>
/// <param name="Start">Start, in the facility's zone.</param>
/// <param name="End">End, in the facility's zone.</param>
/// <param name="Change">What booking it would do to the objective.</param>
public sealed record SlotRecommendation(string? ProviderId, string? RoomId, string FacilityId, OffsetDateTime Start, OffsetDateTime End, ObjectiveChange Change);

/// <summary>The best slots for a request, or why there are none.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Slots">Best first; empty when none.</param>
/// <param name="Reason">Why there is no slot at all; null when there are slots.</param>
/// <param name="Message">The reason for people; names ids only.</param>
public sealed record SlotRecommendations(string RequestId, IReadOnlyList<SlotRecommendation> Slots, UnscheduledReason? Reason, string? Message);

/// <summary>
/// Finds the best slots for a request against a book without moving anything in it: for a coordinator with a patient
/// on the phone. Build one per book and ask it many times; <see cref="Book"/> keeps it current as slots are taken.
/// Slots are ranked by waiting cost plus the soft rules' cost (under the problem's weights), then the preferred provider, then start, then provider and room; each start
/// with each provider is offered once (with its first free room). Starts are the first free minute of each free
/// stretch and every step on the facility's local clock after it. Not thread safe.
/// </summary>
public sealed class SlotRecommender
{
    private readonly Calendar _calendar;
    private readonly Book _book;
    private readonly ILookup<string, (AppointmentRequest Successor, RequestLink Link)> _successors;
    private readonly SoftRules.Tally? _tally;
    private readonly Dictionary<string, (string? ProviderId, LocalDate Date)> _tallied = new(StringComparer.Ordinal);

    /// <summary>Checks the problem and the book, and indexes the book.</summary>
    /// <param name="problem">The problem the book belongs to.</param>
    /// <param name="book">The current book: its assignments are the appointments that must not move.</param>
    /// <exception cref="ProblemValidationException">The problem or the book is bad input.</exception>
    public SlotRecommender(Problem problem, Schedule book)
        : this(ValidatedProblem.Create(problem), book)
    {
    }

    /// <summary>Checks the book against a problem validated once already, and indexes the book.</summary>
    /// <param name="problem">The validated problem the book belongs to.</param>
    /// <param name="book">The current book: its assignments are the appointments that must not move.</param>
    /// <exception cref="ProblemValidationException">The book is bad input.</exception>
    public SlotRecommender(ValidatedProblem problem, Schedule book)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(book);
        BookReader.ThrowIfInvalid(problem, book, previous: false);
        _calendar = problem.Calendar;

        _book = BookReader.Load(_calendar, book);
        _successors = problem.Problem.Requests.SelectMany(r => r.After.Select(l => (Successor: r, Link: l))).ToLookup(x => x.Link.RequestId, StringComparer.Ordinal);
        _tally = SoftRules.From(_calendar, problem.Problem.Options?.SoftRules)?.NewTally();
        foreach (var a in book.Assignments)
        {
            Tally(a.RequestId, a.ProviderId, LocalDateAt(a.FacilityId, a.Start));
        }
    }

    /// <summary>The best <paramref name="top"/> slots for a request that is not in the book.</summary>
    /// <param name="requestId">A request of the problem that the book does not hold.</param>
    /// <param name="top">How many slots, at least 1.</param>
    /// <param name="stepMinutes">Spacing of offered starts on the local clock, 1 to 1440.</param>
    /// <returns>The slots, best first, or the reason there are none.</returns>
    /// <exception cref="RequestRefusedException">The request is unknown, already booked, or a visit of a series (<see cref="Refusal"/>).</exception>
    /// <param name="cancellationToken">Stops the search of the days left: the slots are then the best of the days searched (the cheapest in waiting first).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> or <paramref name="stepMinutes"/> is out of range.</exception>
    public SlotRecommendations Recommend(string requestId, int top = 10, int stepMinutes = 15, CancellationToken cancellationToken = default) =>
        Recommend(requestId, top, stepMinutes, null, cancellationToken);

    /// <summary>As <see cref="Recommend(string, int, int, CancellationToken)"/>, offering only slots that <paramref name="accept"/> takes.</summary>
    /// <param name="requestId">The request.</param>
    /// <param name="top">How many slots.</param>
    /// <param name="stepMinutes">Spacing of starts.</param>
    /// <param name="accept">Given a slot as booked (its appointment in minutes from the horizon's start), whether to offer it.</param>
    /// <param name="cancellationToken">Stops the search of the days left.</param>
    internal SlotRecommendations Recommend(string requestId, int top, int stepMinutes, Func<Booking, bool>? accept, CancellationToken cancellationToken = default)
    {
        var request = Unbooked(requestId);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stepMinutes, 1440);
        var (open, reason, message) = Open(request);
        if (open is null)
        {
            return new SlotRecommendations(requestId, [], reason, message);
        }

        Func<Slot, bool>? keep = accept is null ? null : s => accept(ToBooking(open, s));
        Func<ProviderOption?, DayOption, long> soft = _tally is null ? (_, _) => 0 : (provider, day) => _tally.Cost(request, provider?.ProviderId, day.Date);
        var cheapest = _tally is null ? 0 : -(long)_calendar.Problem.Options!.SoftRules!.Balance;
        return new SlotRecommendations(requestId, [.. Best(open, top, stepMinutes, keep, soft, cheapest, cancellationToken).Select(s => ToRecommendation(open, s))], null, null);
    }

    /// <summary>The timeline behind this recommender, for converting minutes.</summary>
    internal Timeline Timeline => _calendar.Timeline;

    private static Booking ToBooking(RequestCandidates open, Slot s) => Booking.Of(open, s.Facility, s.Provider?.ProviderId, s.Room?.RoomId, s.Start);

    /// <summary>Books a slot (for example one just recommended) so that later recommendations keep clear of it.</summary>
    /// <param name="requestId">A request of the problem that the book does not hold.</param>
    /// <param name="slot">A slot recommended for it and still free.</param>
    /// <exception cref="RequestRefusedException">The request is unknown, booked, or a visit of a series (<see cref="Refusal"/>).</exception>
    /// <exception cref="ArgumentException">The slot is no longer free for the request.</exception>
    public void Book(string requestId, SlotRecommendation slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var request = Unbooked(requestId);
        var (open, _, _) = Open(request);
        var start = _calendar.Timeline.ToMinute(slot.Start.ToInstant());
        var facility = open?.Facilities.FirstOrDefault(f => f.FacilityId == slot.FacilityId);
        var fits = facility is not null && facility.Starts.Contains(start)
            && (slot.ProviderId is null ? !open!.Type.BooksProvider : facility.Providers.Any(p => p.ProviderId == slot.ProviderId && p.Starts.Contains(start)))
            && (slot.RoomId is null ? !open!.Type.BooksRoom : facility.Rooms.Any(r => r.RoomId == slot.RoomId && r.Starts.Contains(start)));
        if (!fits)
        {
            throw new ArgumentException($"the slot at {slot.Start} is no longer free for request '{requestId}'", nameof(slot));
        }

        _book.Add(Booking.Of(open!, facility!, slot.ProviderId, slot.RoomId, start));
        Tally(requestId, slot.ProviderId, LocalDateAt(slot.FacilityId, slot.Start));
    }

    /// <summary>Takes a booked request's appointment out of the book, freeing its time.</summary>
    /// <returns>The appointment taken out, with the equipment it held.</returns>
    internal Booking Release(string requestId)
    {
        var booking = _book.Bookings[requestId];
        _book.Remove(requestId);
        if (_tally is not null && _tallied.Remove(requestId, out var was))
        {
            _tally.Remove(_calendar.Requests[requestId], was.ProviderId, was.Date);
        }

        return booking;
    }

    private LocalDate LocalDateAt(string facilityId, OffsetDateTime start) => start.ToInstant().InZone(_calendar.Facilities[facilityId].Zone).Date;

    /// <summary>Counts an appointment (its provider and local date) for pricing soft rules.</summary>
    private void Tally(string requestId, string? providerId, LocalDate date)
    {
        if (_tally is not null)
        {
            _tally.Add(_calendar.Requests[requestId], providerId, date);
            _tallied[requestId] = (providerId, date);
        }
    }

    /// <summary>
    /// Why slots cannot be recommended for (or booked to) a request, or <see langword="null"/> when they can: the
    /// problem has no such request, it is a visit of a series (booked whole by a solve or a re-plan), or the book holds
    /// it already.
    /// </summary>
    /// <param name="requestId">The request.</param>
    /// <returns>The refusal, or <see langword="null"/>.</returns>
    public RequestRefusal? Refusal(string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        if (!_calendar.Requests.ContainsKey(requestId))
        {
            return new(requestId, RequestRefusalReason.UnknownRequest, $"unknown request '{requestId}'");
        }

        if (_calendar.Problem.Series.FirstOrDefault(x => x.RequestIds.Contains(requestId, StringComparer.Ordinal)) is { } series)
        {
            return new(requestId, RequestRefusalReason.SeriesVisit,
                $"request '{requestId}' is a visit of series '{series.Id}', which is booked whole by solve or replan, not one slot at a time");
        }

        return _book.Bookings.ContainsKey(requestId) ? new(requestId, RequestRefusalReason.AlreadyBooked, $"request '{requestId}' is already booked") : null;
    }

    private AppointmentRequest Unbooked(string requestId) =>
        Refusal(requestId) is { } refusal ? throw new RequestRefusedException(refusal, nameof(requestId)) : _calendar.Requests[requestId];

    /// <summary>The request's options with everything in the book kept clear, or why there are none.</summary>
    private (RequestCandidates? Open, UnscheduledReason? Reason, string? Message) Open(AppointmentRequest request)
    {
        var alone = RequestCandidates.ForRequest(_calendar, 0, request);
        if (!alone.CanBeScheduled)
        {
            return (null, alone.StaticReason, alone.StaticMessage);
        }

        if (request.After.FirstOrDefault(l => !_book.Bookings.ContainsKey(l.RequestId)) is { } missing)
        {
            return (null, UnscheduledReason.PredecessorUnscheduled, $"it follows request '{missing.RequestId}', which is not booked");
        }

        // A booked request that follows this one holds it to the link's gaps before its start.
        var window = MinuteSet.All;
        foreach (var (successor, link) in _successors[request.Id])
        {
            if (_book.Bookings.TryGetValue(successor.Id, out var next))
            {
                window = window.Intersect(LinkRule.WindowBefore(link, next.Start, alone.Duration));
            }
        }

        return _book.Restrict(alone, new HashSet<string>(), window) is { } open
            ? (open, null, null)
            : (null, UnscheduledReason.CapacityTaken, "every slot it could take is booked, or its links' gaps leave none");
    }

    private readonly record struct Slot(long WaitingCost, long SoftCost, int Preferred, long Start, FacilityOption Facility, ProviderOption? Provider, RoomOption? Room)
    {
        public long Cost => WaitingCost + SoftCost;
    }

    /// <summary>Days are visited cheapest first; once <paramref name="top"/> slots are in hand, dearer days cannot displace them.</summary>
    /// <param name="open">The request's options, cut to the book.</param>
    /// <param name="top">How many slots.</param>
    /// <param name="step">Spacing of starts.</param>
    /// <param name="keep">Which slots may be offered.</param>
    /// <param name="softCost">The soft-rule cost of booking with a provider on a day.</param>
    /// <param name="cheapestSoftCost">The least <paramref name="softCost"/> can be (negative where balance can improve).</param>
    /// <param name="cancellationToken">Stops the search before the next day.</param>
    private static IEnumerable<Slot> Best(RequestCandidates open, int top, int step, Func<Slot, bool>? keep, Func<ProviderOption?, DayOption, long> softCost, long cheapestSoftCost,
        CancellationToken cancellationToken)
    {
        var request = open.Request;
        var days = open.Facilities
            .SelectMany(f => f.Days.Select(d => (Facility: f, Day: d, Cost: Objective.Waiting(request, d.WaitingDays))))
            .OrderBy(x => x.Cost).ThenBy(x => x.Day.From)
            .ToList();
        var found = new List<Slot>();
        var seen = new HashSet<(string? Provider, long Start)>();
        for (var i = 0; i < days.Count; i++)
        {
            if (cancellationToken.IsCancellationRequested || (found.Count >= top && days[i].Cost + cheapestSoftCost > found.Max(s => s.Cost)))
            {
                break;
            }

            var (facility, day, cost) = days[i];
            var inDay = facility.Starts.Intersect(MinuteSet.Of(day.From, day.To));
            foreach (var provider in facility.Providers.Count == 0 ? [null] : facility.Providers.OrderBy(p => p.ProviderId, StringComparer.Ordinal).Cast<ProviderOption?>())
            {
                var withProvider = provider is null ? inDay : inDay.Intersect(provider.Starts);
                var preferred = Objective.Preferred(request, provider?.ProviderId) ? 1 : 0;
                var soft = softCost(provider, day);
                foreach (var room in facility.Rooms.Count == 0 ? [null] : facility.Rooms.OrderBy(r => r.RoomId, StringComparer.Ordinal).Cast<RoomOption?>())
                {
                    var allowed = room is null ? withProvider : withProvider.Intersect(room.Starts);
                    foreach (var start in allowed.Steps(day.From, step))
                    {
                        var slot = new Slot(cost, soft, preferred, start, facility, provider, room);
                        if ((keep is null || keep(slot)) && seen.Add((provider?.ProviderId, start)))
                        {
                            found.Add(slot);
                        }
                    }
                }
            }
        }

        return found
            .OrderBy(s => s.Cost).ThenByDescending(s => s.Preferred).ThenBy(s => s.Start)
            .ThenBy(s => s.Provider?.ProviderId, StringComparer.Ordinal).ThenBy(s => s.Room?.RoomId, StringComparer.Ordinal)
            .Take(top);
    }

    private SlotRecommendation ToRecommendation(RequestCandidates open, Slot s)
    {
        var zone = _calendar.Facilities[s.Facility.FacilityId].Zone;
        OffsetDateTime At(long minute) => _calendar.Timeline.ToInstant(minute).InZone(zone).ToOffsetDateTime();
        return new SlotRecommendation(s.Provider?.ProviderId, s.Room?.RoomId, s.Facility.FacilityId, At(s.Start), At(s.Start + open.Duration),
            new ObjectiveChange(open.Request.Priority, s.WaitingCost, s.Preferred, s.SoftCost));
    }
}
