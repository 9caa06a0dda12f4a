using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace MedCoord.Scheduling.Model;

/// <summary>
/// A recurring weekly block on a local wall clock: on each listed weekday, from <see cref="From"/> to <see cref="To"/>.
/// </summary>
/// <param name="Days">The weekdays the block applies on.</param>
/// <param name="From">Local start time.</param>
/// <param name="To">Local end time; <see cref="LocalTime.Midnight"/> stands for 24:00, the end of the day.</param>
/// <remarks>On a DST change day the block keeps its local clock times; a skipped local time is shifted forward by the
/// gap and an ambiguous one maps to its earlier instant (NodaTime's lenient resolver).</remarks>
public sealed record WeeklyHours(IReadOnlyList<IsoDayOfWeek> Days, LocalTime From, LocalTime To)
{
    /// <summary>Gets whether <see cref="To"/> is 24:00, the end of the day.</summary>
    public bool EndsAtEndOfDay => To == LocalTime.Midnight;
}

/// <summary>A site where appointments happen, with its time zone and optional weekly opening hours.</summary>
/// <param name="Id">Unique facility id.</param>
/// <param name="Zone">The facility's tzdb time zone; its local dates frame the horizon and request windows.</param>
/// <param name="Hours">Weekly opening hours; <see langword="null"/> means open all day, every day.</param>
public sealed record Facility(string Id, DateTimeZone Zone, IReadOnlyList<WeeklyHours>? Hours = null);

/// <summary>A bookable room at one facility.</summary>
/// <param name="Id">Unique room id.</param>
/// <param name="FacilityId">The facility the room belongs to.</param>
/// <param name="Features">What the room offers (for example <c>exam</c>, <c>ecg</c>).</param>
/// <param name="Unavailable">Absolute blocks when the room cannot be used.</param>
/// <param name="Capacity">How many appointments the room holds at once (infusion chairs, a group room); 1 by default.</param>
public sealed record Room(string Id, string FacilityId, IReadOnlyList<string> Features, IReadOnlyList<Interval> Unavailable, int Capacity = 1);

/// <summary>A pool of interchangeable equipment at one facility (for example two portable ultrasound machines).</summary>
/// <param name="Id">Unique pool id.</param>
/// <param name="FacilityId">The facility the pool belongs to.</param>
/// <param name="Kind">What the pool holds; appointment types ask for kinds. A facility has at most one pool of each kind.</param>
/// <param name="Count">How many units the pool holds; each appointment that needs the kind takes one for its duration.</param>
public sealed record EquipmentPool(string Id, string FacilityId, string Kind, int Count);

/// <summary>A weekly block in which a provider works at one facility, on that facility's wall clock.</summary>
/// <param name="FacilityId">Where the provider works in this block.</param>
/// <param name="Hours">The weekly block, read in the facility's zone.</param>
public sealed record ProviderAvailability(string FacilityId, WeeklyHours Hours);

/// <summary>A clinician who can be booked.</summary>
/// <param name="Id">Unique provider id.</param>
/// <param name="Skills">Skills the provider has.</param>
/// <param name="Availability">Weekly working blocks, possibly at several facilities.</param>
/// <param name="TimeOff">Absolute blocks when the provider is away.</param>
/// <param name="DailyCap">Appointments per local day above which the per-day cap soft rule counts (format v1.1); <see langword="null"/> for the solve options' default.</param>
public sealed record Provider(string Id, IReadOnlyList<string> Skills, IReadOnlyList<ProviderAvailability> Availability, IReadOnlyList<Interval> TimeOff, int? DailyCap = null);

/// <summary>A patient, identified only by an opaque id.</summary>
/// <param name="Id">Unique, opaque patient id.</param>
/// <param name="Zone">The patient's zone; required when <paramref name="Hours"/> is given.</param>
/// <param name="Hours">Weekly hours in which the patient can attend, on the patient's clock; <see langword="null"/> means any time.</param>
/// <param name="Unavailable">Absolute blocks when the patient cannot attend.</param>
/// <param name="PreviousProviderId">The provider the patient saw before, for the continuity soft rule (format v1.1).</param>
public sealed record Patient(string Id, DateTimeZone? Zone, IReadOnlyList<WeeklyHours>? Hours, IReadOnlyList<Interval> Unavailable, string? PreviousProviderId = null);

/// <summary>What kind of appointment a request is for.</summary>
/// <param name="Id">Unique type id.</param>
/// <param name="DurationMinutes">Default duration in minutes.</param>
/// <param name="ProviderSkill">The skill a provider needs; <see langword="null"/> books no provider.</param>
/// <param name="RoomFeatures">Features a room needs; empty books no room (telehealth).</param>
/// <param name="BufferMinutes">Room turnover after the appointment, in minutes.</param>
/// <param name="Equipment">Kinds of equipment the appointment takes one unit of, from its facility's pools; <see langword="null"/> for none.</param>
public sealed record AppointmentType(string Id, int DurationMinutes, string? ProviderSkill, IReadOnlyList<string> RoomFeatures, int BufferMinutes = 0, IReadOnlyList<string>? Equipment = null)
{
    /// <summary>Gets the kinds of equipment the type needs; never <see langword="null"/> (<see langword="null"/> is read as none).</summary>
    [AllowNull]
    public IReadOnlyList<string> Equipment { get; init => field = value ?? []; } = Equipment ?? [];

    /// <summary>Gets whether this type books a provider.</summary>
    public bool BooksProvider => ProviderSkill is not null;

    /// <summary>Gets whether this type books a room.</summary>
    public bool BooksRoom => RoomFeatures.Count > 0;
}

/// <summary>A care-pathway link: the request starts after <see cref="RequestId"/> ends.</summary>
/// <param name="RequestId">The request that must come first.</param>
/// <param name="MinGapMinutes">Least minutes between the predecessor's end and this start.</param>
/// <param name="MaxGapMinutes">Most minutes between the predecessor's end and this start; <see langword="null"/> for no maximum.</param>
public sealed record RequestLink(string RequestId, int MinGapMinutes = 0, int? MaxGapMinutes = null);

/// <summary>A patient's request for one appointment.</summary>
/// <param name="Id">Unique request id.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="TypeId">The appointment type.</param>
/// <param name="Earliest">First acceptable local date (facility zone); <see langword="null"/> for the horizon's first date.</param>
/// <param name="Latest">Last acceptable local date (facility zone); <see langword="null"/> for the horizon's last date.</param>
/// <param name="Priority">Weight from 1 to 100.</param>
/// <param name="DurationMinutes">Override of the type's duration.</param>
/// <param name="PreferredProviderId">A soft preference for one provider.</param>
/// <param name="After">Requests this one follows.</param>
public sealed record AppointmentRequest(
    string Id,
    string PatientId,
    string TypeId,
    LocalDate? Earliest = null,
    LocalDate? Latest = null,
    int Priority = 1,
    int? DurationMinutes = null,
    string? PreferredProviderId = null,
    IReadOnlyList<RequestLink>? After = null)
{
    /// <summary>Gets the links to the requests this one follows; never <see langword="null"/> (<see langword="null"/> is read as none).</summary>
    [AllowNull]
    public IReadOnlyList<RequestLink> After { get; init => field = value ?? []; } = After ?? [];
}

/// <summary>A commitment already made, kept exactly by the solver.</summary>
/// <param name="RequestId">The request it books.</param>
/// <param name="ProviderId">The provider, or <see langword="null"/> where the type books none.</param>
/// <param name="RoomId">The room, or <see langword="null"/> where the type books none.</param>
/// <param name="Start">The start instant.</param>
/// <param name="FacilityId">Optional facility, needed only where the type books no room and the provider works at two facilities at that instant.</param>
public sealed record FixedBooking(string RequestId, string? ProviderId, string? RoomId, Instant Start, string? FacilityId = null);

/// <summary>
/// A course of visits booked all or none (format v1.1): visit <c>k</c> (0-based, in the order of
/// <paramref name="RequestIds"/>) starts on the local date of the first visit plus <c>k × </c><paramref name="IntervalDays"/>,
/// at a local time of day within <paramref name="ToleranceMinutes"/> of the first visit's, each in its facility's zone.
/// </summary>
/// <param name="Id">Unique series id.</param>
/// <param name="RequestIds">The visits' requests, in order; at least two, each in at most one series.</param>
/// <param name="IntervalDays">Days between consecutive visits (7 for weekly).</param>
/// <param name="ToleranceMinutes">How far a visit's local start time may be from the first visit's, either way.</param>
/// <param name="SameProvider">Whether every visit that books a provider books the same one.</param>
public sealed record RequestSeries(string Id, IReadOnlyList<string> RequestIds, int IntervalDays, int ToleranceMinutes = 0, bool SameProvider = true);

/// <summary>
/// Soft rules and their weights. Each counts, per unit, its weight into the second objective level next to waiting
/// (priority × days): a weight of 5 makes one unit as costly as five priority-days of waiting. A weight of 0 turns a
/// rule off.
/// </summary>
/// <param name="Continuity">Per appointment booked with another provider than the patient's previous provider, where that provider has the skill.</param>
/// <param name="DailyCap">Per appointment a provider has on one local day above its cap.</param>
/// <param name="DefaultDailyCap">The cap of providers that set none; <see langword="null"/> for no cap.</param>
/// <param name="Balance">Per appointment of difference between the busiest and the least busy provider of a skill (appointments needing that skill).</param>
public sealed record SoftRuleWeights(int Continuity = 0, int DailyCap = 0, int? DefaultDailyCap = null, int Balance = 0)
{
    /// <summary>Gets whether any rule counts.</summary>
    public bool Any => Continuity > 0 || DailyCap > 0 || Balance > 0;
}

/// <summary>A complete scheduling problem (format v1).</summary>
/// <param name="Horizon">Inclusive local dates; each facility reads them in its own zone.</param>
/// <param name="Facilities">Sites.</param>
/// <param name="Rooms">Rooms.</param>
/// <param name="Providers">Providers.</param>
/// <param name="Patients">Patients.</param>
/// <param name="AppointmentTypes">Appointment types.</param>
/// <param name="Requests">Requests to schedule.</param>
/// <param name="Fixed">Bookings to keep exactly.</param>
/// <param name="Options">Solve settings from the problem itself.</param>
/// <param name="Equipment">Equipment pools (format v1.1); <see langword="null"/> for none.</param>
/// <param name="Series">Courses of visits booked all or none (format v1.1); <see langword="null"/> for none.</param>
public sealed record Problem(
    DateInterval Horizon,
    IReadOnlyList<Facility> Facilities,
    IReadOnlyList<Room> Rooms,
    IReadOnlyList<Provider> Providers,
    IReadOnlyList<Patient> Patients,
    IReadOnlyList<AppointmentType> AppointmentTypes,
    IReadOnlyList<AppointmentRequest> Requests,
    IReadOnlyList<FixedBooking> Fixed,
    SolveOptions? Options = null,
    IReadOnlyList<EquipmentPool>? Equipment = null,
    IReadOnlyList<RequestSeries>? Series = null)
{
    /// <summary>Gets the equipment pools; never <see langword="null"/> (<see langword="null"/> is read as none).</summary>
    [AllowNull]
    public IReadOnlyList<EquipmentPool> Equipment { get; init => field = value ?? []; } = Equipment ?? [];

    /// <summary>Gets the series; never <see langword="null"/> (<see langword="null"/> is read as none).</summary>
    [AllowNull]
    public IReadOnlyList<RequestSeries> Series { get; init => field = value ?? []; } = Series ?? [];
}
