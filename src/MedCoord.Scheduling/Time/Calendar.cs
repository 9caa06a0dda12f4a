using System.Collections.Concurrent;
using MedCoord.Scheduling.Model;
using NodaTime;

namespace MedCoord.Scheduling.Time;

/// <summary>
/// Every resource's free minutes over the horizon, expanded once from a (structurally valid) problem:
/// facility opening hours, provider availability per facility less time off, room and patient availability.
/// Safe to read from several threads: derived sets (starts per duration, day starts) are computed on first use and kept.
/// </summary>
internal sealed class Calendar
{
    private readonly Dictionary<string, MinuteSet> _facilityOpen = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Provider, string Facility), MinuteSet> _providerFree = [];
    private readonly Dictionary<string, MinuteSet> _roomFree = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MinuteSet> _patientFree = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _providerFacilities = new(StringComparer.Ordinal);

    // Starts that fit a duration, per resource: requests share a handful of durations, so each is computed once.
    // Concurrent, so that requests can be analysed in parallel.
    private readonly ConcurrentDictionary<(char Kind, string Id, string? Facility, int Duration), MinuteSet> _fitting = [];
    private readonly ConcurrentDictionary<(string Zone, LocalDate Earliest, LocalDate Latest), MinuteSet> _windows = [];
    private readonly ConcurrentDictionary<(string Zone, LocalDate Date), long> _dayStarts = [];
    private readonly ConcurrentDictionary<string, IReadOnlyList<LocalDaySegment>> _segments = new(StringComparer.Ordinal);

    public Calendar(Problem problem)
    {
        Problem = problem;
        Facilities = problem.Facilities.ToDictionary(f => f.Id, StringComparer.Ordinal);
        Rooms = problem.Rooms.ToDictionary(r => r.Id, StringComparer.Ordinal);
        Providers = problem.Providers.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Patients = problem.Patients.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Types = problem.AppointmentTypes.ToDictionary(t => t.Id, StringComparer.Ordinal);
        Requests = problem.Requests.ToDictionary(r => r.Id, StringComparer.Ordinal);
        Pools = problem.Equipment.ToDictionary(e => e.Id, StringComparer.Ordinal);
        _poolsByKind = problem.Equipment.ToDictionary(e => (e.FacilityId, e.Kind));

        // The timeline spans the horizon's dates in the facilities' zones; a patient's hours are read on every local
        // date of theirs that overlaps it.
        Timeline = new Timeline(problem.Horizon, problem.Facilities.Select(f => f.Zone));

        foreach (var facility in problem.Facilities)
        {
            _facilityOpen[facility.Id] = facility.Hours is null
                ? Timeline.WholeHorizon(facility.Zone)
                : Timeline.Weekly(facility.Zone, facility.Hours);
        }

        foreach (var provider in problem.Providers)
        {
            var away = Timeline.Absolute(provider.TimeOff);
            foreach (var group in provider.Availability.GroupBy(a => a.FacilityId, StringComparer.Ordinal))
            {
                var zone = Facilities[group.Key].Zone;
                _providerFree[(provider.Id, group.Key)] = Timeline.Weekly(zone, group.Select(a => a.Hours)).Subtract(away);
            }

            _providerFacilities[provider.Id] = [.. provider.Availability.Select(a => a.FacilityId).Distinct(StringComparer.Ordinal)];
        }

        foreach (var room in problem.Rooms)
        {
            _roomFree[room.Id] = MinuteSet.All.Subtract(Timeline.Absolute(room.Unavailable));
        }

        foreach (var patient in problem.Patients)
        {
            var hours = patient.Hours is null || patient.Zone is null ? MinuteSet.All : Timeline.PatientWeekly(patient.Zone, patient.Hours);
            _patientFree[patient.Id] = hours.Subtract(Timeline.Absolute(patient.Unavailable));
        }
    }

    public Problem Problem { get; }

    public Timeline Timeline { get; }

    public IReadOnlyDictionary<string, Facility> Facilities { get; }

    public IReadOnlyDictionary<string, Room> Rooms { get; }

    public IReadOnlyDictionary<string, Provider> Providers { get; }

    public IReadOnlyDictionary<string, Patient> Patients { get; }

    public IReadOnlyDictionary<string, AppointmentType> Types { get; }

    public IReadOnlyDictionary<string, AppointmentRequest> Requests { get; }

    /// <summary>Equipment pools by id.</summary>
    public IReadOnlyDictionary<string, EquipmentPool> Pools { get; }

    private readonly Dictionary<(string Facility, string Kind), EquipmentPool> _poolsByKind;

    /// <summary>The pools an appointment of this type takes a unit from at a facility, or null when the facility lacks one of its kinds.</summary>
    public IReadOnlyList<EquipmentPool>? PoolsFor(AppointmentType type, string facility)
    {
        var pools = new List<EquipmentPool>(type.Equipment.Count);
        foreach (var kind in type.Equipment)
        {
            if (!_poolsByKind.TryGetValue((facility, kind), out var pool))
            {
                return null;
            }

            pools.Add(pool);
        }

        return pools;
    }

    public MinuteSet FacilityOpen(string facility) => _facilityOpen[facility];

    /// <summary>When a provider works at a facility, less time off; empty where the provider never works there.</summary>
    public MinuteSet ProviderFree(string provider, string facility) =>
        _providerFree.TryGetValue((provider, facility), out var set) ? set : MinuteSet.Empty;

    /// <summary>The facilities a provider works at, in the order their availability first names them.</summary>
    public IReadOnlyList<string> ProviderFacilities(string provider) => _providerFacilities[provider];

    public MinuteSet RoomFree(string room) => _roomFree[room];

    public MinuteSet PatientFree(string patient) => _patientFree[patient];

    public AppointmentType TypeOf(AppointmentRequest request) => Types[request.TypeId];

    public int DurationOf(AppointmentRequest request) => request.DurationMinutes ?? TypeOf(request).DurationMinutes;

    /// <summary>The request's window clipped to the horizon, or null when it misses the horizon.</summary>
    public (LocalDate Earliest, LocalDate Latest)? Window(AppointmentRequest request)
    {
        var earliest = LocalDate.Max(request.Earliest ?? Problem.Horizon.Start, Problem.Horizon.Start);
        var latest = LocalDate.Min(request.Latest ?? Problem.Horizon.End, Problem.Horizon.End);
        return earliest <= latest ? (earliest, latest) : null;
    }

    /// <summary>The first acceptable date of the request, from which waiting is counted.</summary>
    public LocalDate WaitingFrom(AppointmentRequest request) => Solving.Objective.WaitingFrom(Problem, request);

    /// <summary>Start minutes allowed by the facility's hours, the patient's availability and the request's date window, for the request's duration.</summary>
    public MinuteSet FacilityStarts(AppointmentRequest request, string facility)
    {
        if (Window(request) is not { } window)
        {
            return MinuteSet.Empty;
        }

        var duration = DurationOf(request);
        var zone = Facilities[facility].Zone;
        var dates = _windows.GetOrAdd((zone.Id, window.Earliest, window.Latest), k => Timeline.DateWindow(zone, k.Earliest, k.Latest));

        return Fitting(('f', facility, null, duration), () => FacilityOpen(facility))
            .Intersect(Fitting(('p', request.PatientId, null, duration), () => PatientFree(request.PatientId)))
            .Intersect(dates);
    }

    /// <summary>The minute a local date starts in a zone.</summary>
    public long DayStart(DateTimeZone zone, LocalDate date) => _dayStarts.GetOrAdd((zone.Id, date), k => Timeline.DayStartMinute(zone, k.Date));

    /// <summary>The zone's constant-offset stretches of the horizon (see <see cref="Timeline.LocalDaySegments"/>).</summary>
    public IReadOnlyList<LocalDaySegment> LocalDaySegments(DateTimeZone zone) => _segments.GetOrAdd(zone.Id, _ => Timeline.LocalDaySegments(zone));

    public MinuteSet ProviderStarts(string provider, string facility, int duration) =>
        Fitting(('v', provider, facility, duration), () => ProviderFree(provider, facility));

    public MinuteSet RoomStarts(string room, int duration) => Fitting(('r', room, null, duration), () => RoomFree(room));

    /// <param name="key">What is free (f facility, p patient, v provider at a facility, r room), and for how long.</param>
    /// <param name="free">Its free time, asked for only on first use.</param>
    private MinuteSet Fitting((char Kind, string Id, string? Facility, int Duration) key, Func<MinuteSet> free) =>
        _fitting.TryGetValue(key, out var starts) ? starts : _fitting.GetOrAdd(key, free().StartsFitting(key.Duration));

    public bool HasSkill(Provider provider, AppointmentType type) =>
        type.ProviderSkill is { } skill && provider.Skills.Contains(skill, StringComparer.Ordinal);

    public bool HasFeatures(Room room, AppointmentType type) =>
        type.RoomFeatures.All(f => room.Features.Contains(f, StringComparer.Ordinal));
}
