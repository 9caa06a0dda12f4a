using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>A provider who could host the request at one facility, and the starts that allows.</summary>
internal sealed record ProviderOption(string ProviderId, MinuteSet Starts);

/// <summary>A room that could host the request, the starts that allows, and how many appointments it holds at once.</summary>
internal sealed record RoomOption(string RoomId, MinuteSet Starts, int Capacity = 1);

/// <summary>An equipment pool the request takes one unit of, and how many units it holds.</summary>
internal sealed record PoolUse(string PoolId, int Count);

/// <summary>A local date at a facility on which the request could start: its minutes and its waiting days.</summary>
internal sealed record DayOption(LocalDate Date, long From, long To, int WaitingDays);

/// <summary>A facility that could host the request: the starts every rule allows there, with the resources and days behind them.</summary>
/// <param name="FacilityId">The facility.</param>
/// <param name="Starts">Every start allowed there.</param>
/// <param name="Providers">Providers who could host it there.</param>
/// <param name="Rooms">Rooms that could host it there.</param>
/// <param name="Days">Local dates it could start on.</param>
/// <param name="Segments">The facility zone's constant-offset stretches that hold some of <paramref name="Starts"/>.</param>
/// <param name="WaitingFromEpochDay">The date waiting counts from, as days since <see cref="Timeline.LocalEpoch"/>.</param>
internal sealed record FacilityOption(
    string FacilityId,
    MinuteSet Starts,
    IReadOnlyList<ProviderOption> Providers,
    IReadOnlyList<RoomOption> Rooms,
    IReadOnlyList<DayOption> Days,
    IReadOnlyList<LocalDaySegment> Segments,
    long WaitingFromEpochDay)
{
    /// <summary>Gets the equipment pools the request takes a unit of here for its duration.</summary>
    public IReadOnlyList<PoolUse> Pools { get; init; } = [];
}

/// <summary>A request's place in a series: the series and which visit it is (0-based).</summary>
internal sealed record SeriesPlace(RequestSeries Series, int Position);

/// <summary>
/// Everything a request could ever be given on an empty calendar (rules 3, 4, 5 and 8 applied per resource),
/// or why nothing could host it.
/// </summary>
internal sealed class RequestCandidates
{
    private MinuteSet? _allStarts;

    public required int Index { get; init; }

    public required AppointmentRequest Request { get; init; }

    public required AppointmentType Type { get; init; }

    public required int Duration { get; init; }

    public required IReadOnlyList<FacilityOption> Facilities { get; init; }

    public FixedPlacement? Fixed { get; init; }

    /// <summary>Gets the series the request is a visit of, and which visit (0-based); null for a request on its own.</summary>
    public SeriesPlace? Series { get; init; }

    public UnscheduledReason? StaticReason { get; set; }

    public string? StaticMessage { get; set; }

    public bool CanBeScheduled => StaticReason is null;

    /// <summary>Gets every start any facility allows, computed once.</summary>
    public MinuteSet AllStarts => _allStarts ??= Facilities.Aggregate(MinuteSet.Empty, (all, f) => all.Union(f.Starts));

    /// <summary>Problems with at least this many requests are analysed in parallel.</summary>
    private const int ParallelFrom = 500;

    /// <summary>Analyses every request of a valid problem.</summary>
    public static IReadOnlyList<RequestCandidates> Build(Calendar calendar)
    {
        var fixedByRequest = calendar.Problem.Fixed.ToDictionary(f => f.RequestId, f => FixedBookingRules.Place(calendar, f), StringComparer.Ordinal);
        var requests = calendar.Problem.Requests;
        var analysed = new RequestCandidates[requests.Count];
        RequestCandidates Analyse(int i) =>
            fixedByRequest.TryGetValue(requests[i].Id, out var placement) ? ForFixed(calendar, i, requests[i], placement) : ForRequest(calendar, i, requests[i]);

        // Requests are independent of one another: large problems are analysed on every core.
        if (requests.Count >= ParallelFrom)
        {
            Parallel.For(0, requests.Count, i => analysed[i] = Analyse(i));
        }
        else
        {
            for (var i = 0; i < requests.Count; i++)
            {
                analysed[i] = Analyse(i);
            }
        }

        var result = analysed.ToList();
        var series = calendar.Problem.Series
            .SelectMany(x => x.RequestIds.Select((id, position) => (id, Place: new SeriesPlace(x, position))))
            .ToDictionary(m => m.id, m => m.Place, StringComparer.Ordinal);
        for (var i = 0; i < result.Count; i++)
        {
            if (series.TryGetValue(result[i].Request.Id, out var place))
            {
                result[i] = result[i].InSeries(place);
            }
        }

        PropagateUnschedulable(result);
        return result;
    }

    /// <summary>Analyses one request on its own, as if nothing were booked and it were not fixed.</summary>
    public static RequestCandidates ForRequest(Calendar calendar, int index, AppointmentRequest request)
    {
        var type = calendar.TypeOf(request);
        var duration = calendar.DurationOf(request);
        var providers = type.BooksProvider ? calendar.Problem.Providers.Where(p => calendar.HasSkill(p, type)).ToList() : [];
        var rooms = type.BooksRoom ? calendar.Problem.Rooms.Where(r => calendar.HasFeatures(r, type)).ToList() : [];

        RequestCandidates Impossible(UnscheduledReason reason, string message) => new()
        {
            Index = index, Request = request, Type = type, Duration = duration, Facilities = [], StaticReason = reason, StaticMessage = message,
        };

        if (type.BooksProvider && providers.Count == 0)
        {
            return Impossible(UnscheduledReason.NoQualifiedProvider, $"no provider has skill '{type.ProviderSkill}'");
        }

        if (type.BooksRoom && rooms.Count == 0)
        {
            return Impossible(UnscheduledReason.NoQualifiedRoom, $"no room has all of the features {string.Join(", ", type.RoomFeatures.Select(f => $"'{f}'"))}");
        }

        if (type.Equipment.Count > 0
            && !rooms.Select(r => r.FacilityId).Concat(providers.SelectMany(p => calendar.ProviderFacilities(p.Id)))
                .Any(f => calendar.PoolsFor(type, f) is not null))
        {
            return Impossible(UnscheduledReason.NoEquipment,
                $"no facility where it could take place has all of the equipment {string.Join(", ", type.Equipment.Select(k => $"'{k}'"))}");
        }

        if (calendar.Window(request) is not { } window)
        {
            return Impossible(UnscheduledReason.NoAvailabilityInWindow, "its date window lies outside the horizon");
        }

        var facilityIds = type.BooksRoom
            ? rooms.Select(r => r.FacilityId).Distinct(StringComparer.Ordinal)
            : providers.SelectMany(p => calendar.ProviderFacilities(p.Id)).Distinct(StringComparer.Ordinal);

        var options = new List<FacilityOption>();
        foreach (var facilityId in facilityIds.Order(StringComparer.Ordinal))
        {
            var starts = calendar.FacilityStarts(request, facilityId);
            if (starts.IsEmpty || calendar.PoolsFor(type, facilityId) is not { } pools)
            {
                continue;
            }

            var providerOptions = providers
                .Where(p => calendar.ProviderFacilities(p.Id).Contains(facilityId, StringComparer.Ordinal))
                .Select(p => new ProviderOption(p.Id, starts.Intersect(calendar.ProviderStarts(p.Id, facilityId, duration))))
                .Where(o => !o.Starts.IsEmpty).ToList();
            var roomOptions = rooms.Where(r => r.FacilityId == facilityId)
                .Select(r => new RoomOption(r.Id, starts.Intersect(calendar.RoomStarts(r.Id, duration)), r.Capacity))
                .Where(o => !o.Starts.IsEmpty).ToList();

            // Intersection distributes over union, so this is exactly the starts some provider-room pair allows.
            var allowed = starts;
            if (type.BooksProvider)
            {
                allowed = allowed.Intersect(UnionWithin(providerOptions.Select(o => o.Starts), starts));
            }

            if (type.BooksRoom)
            {
                allowed = allowed.Intersect(UnionWithin(roomOptions.Select(o => o.Starts), starts));
            }

            if (allowed.IsEmpty)
            {
                continue;
            }

            // Each option is already within the starts; only a cut (Intersect returns an uncut set as itself) needs passing on.
            if (!ReferenceEquals(allowed, starts))
            {
                starts = allowed;
                providerOptions = [.. providerOptions.Select(o => o with { Starts = o.Starts.Intersect(starts) }).Where(o => !o.Starts.IsEmpty)];
                roomOptions = [.. roomOptions.Select(o => o with { Starts = o.Starts.Intersect(starts) }).Where(o => !o.Starts.IsEmpty)];
            }
            var days = Days(calendar, request, facilityId, starts, window);
            options.Add(new FacilityOption(facilityId, starts, providerOptions, roomOptions, days,
                Segments(calendar, facilityId, starts), Timeline.EpochDay(calendar.WaitingFrom(request)))
            {
                Pools = PoolUses(pools),
            });
        }

        if (options.Count == 0)
        {
            var what = (type.BooksProvider, type.BooksRoom) switch
            {
                (true, true) => "a qualified provider, a qualified room, opening hours and the patient's availability",
                (true, false) => "a qualified provider, opening hours and the patient's availability",
                _ => "a qualified room, opening hours and the patient's availability",
            };
            return Impossible(UnscheduledReason.NoAvailabilityInWindow,
                $"{what} never line up for {duration} minutes between {window.Earliest:uuuu-MM-dd} and {window.Latest:uuuu-MM-dd}");
        }

        return new RequestCandidates { Index = index, Request = request, Type = type, Duration = duration, Facilities = options };
    }

    private static RequestCandidates ForFixed(Calendar calendar, int index, AppointmentRequest request, FixedPlacement placement)
    {
        var starts = MinuteSet.Of(placement.Start, placement.Start + 1);
        var zone = calendar.Facilities[placement.FacilityId].Zone;
        var date = calendar.Timeline.LocalDateOf(zone, placement.Start);
        var day = new DayOption(date, placement.Start, placement.Start + 1, Objective.WaitingDays(calendar.WaitingFrom(request), date));
        var option = new FacilityOption(
            placement.FacilityId,
            starts,
            placement.Booking.ProviderId is { } p ? [new ProviderOption(p, starts)] : [],
            placement.Booking.RoomId is { } r ? [new RoomOption(r, starts, calendar.Rooms[r].Capacity)] : [],
            [day],
            Segments(calendar, placement.FacilityId, starts),
            Timeline.EpochDay(calendar.WaitingFrom(request)))
        {
            Pools = PoolUses(calendar.PoolsFor(calendar.TypeOf(request), placement.FacilityId) ?? []),
        };
        return new RequestCandidates
        {
            Index = index, Request = request, Type = calendar.TypeOf(request), Duration = (int)(placement.End - placement.Start),
            Facilities = [option], Fixed = placement,
        };
    }

    private static PoolUse[] PoolUses(IReadOnlyList<EquipmentPool> pools) => [.. pools.Select(p => new PoolUse(p.Id, p.Count))];

    private static List<DayOption> Days(Calendar calendar, AppointmentRequest request, string facilityId, MinuteSet starts, (LocalDate Earliest, LocalDate Latest) window)
    {
        var zone = calendar.Facilities[facilityId].Zone;
        var waitingFrom = calendar.WaitingFrom(request);
        var days = new List<DayOption>();
        for (var date = window.Earliest; date <= window.Latest; date = date.PlusDays(1))
        {
            var from = calendar.DayStart(zone, date);
            var to = calendar.DayStart(zone, date.PlusDays(1));
            if (starts.Overlaps(from, to))
            {
                days.Add(new DayOption(date, from, to, Objective.WaitingDays(waitingFrom, date)));
            }
        }

        return days;
    }

    private static List<LocalDaySegment> Segments(Calendar calendar, string facilityId, MinuteSet starts) =>
        [.. calendar.LocalDaySegments(calendar.Facilities[facilityId].Zone).Where(s => starts.Overlaps(s.From, s.To))];

    /// <summary>
    /// The union of subsets of <paramref name="within"/>; <paramref name="within"/> itself when one of them is it whole
    /// (an intersection that cut nothing returns its own set), which is common and saves merging them all.
    /// </summary>
    private static MinuteSet UnionWithin(IEnumerable<MinuteSet> sets, MinuteSet within)
    {
        var list = sets.ToList();
        return list.Any(s => ReferenceEquals(s, within)) ? within : MinuteSet.FromRanges(list.SelectMany(s => s.Ranges));
    }

    /// <summary>The same candidates as a visit of a series.</summary>
    private RequestCandidates InSeries(SeriesPlace place) => new()
    {
        Index = Index, Request = Request, Type = Type, Duration = Duration, Facilities = Facilities, Fixed = Fixed,
        StaticReason = StaticReason, StaticMessage = StaticMessage, Series = place,
    };

    /// <summary>Requests that follow one that can never be scheduled, and visits of a series with such a visit, cannot be either.</summary>
    private static void PropagateUnschedulable(List<RequestCandidates> all)
    {
        var byId = all.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var candidate in all.Where(c => c.CanBeScheduled))
            {
                var blocked = candidate.Request.After.FirstOrDefault(l => !byId[l.RequestId].CanBeScheduled);
                var sibling = candidate.Series?.Series.RequestIds.FirstOrDefault(id => !byId[id].CanBeScheduled);
                if (blocked is not null)
                {
                    candidate.StaticReason = UnscheduledReason.PredecessorUnscheduled;
                    candidate.StaticMessage = $"it follows request '{blocked.RequestId}', which can never be scheduled";
                    changed = true;
                }
                else if (sibling is not null)
                {
                    candidate.StaticReason = UnscheduledReason.SeriesIncomplete;
                    candidate.StaticMessage = $"request '{sibling}' of its series '{candidate.Series!.Series.Id}' can never be scheduled, and a series is booked whole";
                    changed = true;
                }
            }
        }
        while (changed);
    }
}
