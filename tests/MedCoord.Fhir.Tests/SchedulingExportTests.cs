using System.Globalization;
using Hl7.Fhir.Model;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Text;
using Xunit;
using static System.FormattableString;
using static MedCoord.Fhir.Tests.BundleReading;
using Problem = MedCoord.Scheduling.Model.Problem;
using Schedule = MedCoord.Scheduling.Results.Schedule;
using Instant = NodaTime.Instant;
using Period = Hl7.Fhir.Model.Period;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// What the export writes for each part of a small clinic, resource by resource, as docs/fhir.md ("Scheduling") lists it:
/// the values the import does not read back (slots, codes, statuses, the schedule's own resources) included.
/// </summary>
public sealed class SchedulingExportTests
{
    // Two facilities (New York with weekly hours, Kolkata open all day), an exam room with a blocked hour, a shared
    // infusion room, a pool, a provider working at both facilities and one with an id FHIR cannot use, a patient in
    // Auckland with hours and a blocked hour, a fixed booking, links, a series and every option.
    private const string Clinic = """
        {
          "formatVersion": 1,
          "horizon": { "start": "2026-12-07", "end": "2026-12-08" },
          "facilities": [
            { "id": "main", "timeZone": "America/New_York", "hours": [
              { "days": ["Mon", "Tue"], "from": "08:00", "to": "12:00" },
              { "days": ["Sat"], "from": "00:00", "to": "24:00" },
              { "days": ["Sun"], "from": "20:00", "to": "24:00" } ] },
            { "id": "east", "timeZone": "Asia/Kolkata" }
          ],
          "rooms": [
            { "id": "exam-1", "facility": "main", "features": ["exam"],
              "unavailable": [ { "from": "2026-12-07T11:00:00-05:00", "to": "2026-12-07T12:00:00-05:00" } ] },
            { "id": "chairs", "facility": "main", "features": ["infusion"], "capacity": 2 }
          ],
          "equipment": [ { "id": "us", "facility": "main", "kind": "ultrasound", "count": 2 } ],
          "providers": [
            { "id": "dr-a", "skills": ["pc"], "dailyCap": 4, "availability": [
                { "facility": "main", "days": ["Mon"], "from": "08:00", "to": "12:00" },
                { "facility": "east", "days": ["Tue"], "from": "00:00", "to": "24:00" } ],
              "timeOff": [ { "from": "2026-12-07T10:00:00-05:00", "to": "2026-12-07T10:30:00-05:00" } ] },
            { "id": "dr b", "skills": ["pc", "gp"], "availability": [],
              "timeOff": [ { "from": "2026-12-08T00:00:00Z", "to": "2026-12-08T01:00:00Z" } ] }
          ],
          "patients": [
            { "id": "p1", "timeZone": "Pacific/Auckland", "hours": [
                { "days": ["Tue"], "from": "02:00", "to": "07:00" },
                { "days": ["Wed"], "from": "00:00", "to": "24:00" } ],
              "unavailable": [ { "from": "2026-12-08T03:00:00+13:00", "to": "2026-12-08T04:00:00+13:00" } ] },
            { "id": "p2", "previousProvider": "dr-a" },
            { "id": "p3", "unavailable": [ { "from": "2026-12-08T12:00:00Z", "to": "2026-12-08T13:00:00Z" } ] }
          ],
          "appointmentTypes": [
            { "id": "visit", "durationMinutes": 30, "providerSkill": "pc", "roomFeatures": ["exam"], "bufferMinutes": 10 },
            { "id": "infusion", "durationMinutes": 60, "roomFeatures": ["infusion"], "equipment": ["ultrasound"] }
          ],
          "requests": [
            { "id": "r1", "patient": "p1", "type": "visit", "earliest": "2026-12-07", "latest": "2026-12-08", "priority": 100 },
            { "id": "r2", "patient": "p2", "type": "infusion", "earliest": "2026-12-07", "priority": 50, "durationMinutes": 45 },
            { "id": "r3", "patient": "p2", "type": "visit", "latest": "2026-12-08", "priority": 10, "preferredProvider": "dr b",
              "after": [ { "request": "r1", "minGapMinutes": 60, "maxGapMinutes": 120 } ] },
            { "id": "r 4", "patient": "p1", "type": "visit", "priority": 9, "after": [ { "request": "r2" } ] },
            { "id": "r5", "patient": "p2", "type": "visit", "priority": 49 },
            { "id": "r6", "patient": "p3", "type": "infusion", "priority": 1 },
            { "id": "r7", "patient": "p3", "type": "visit", "priority": 99 },
            { "id": "r8", "patient": "p3", "type": "visit", "priority": 11 }
          ],
          "fixed": [ { "request": "r5", "provider": "dr-a", "room": "exam-1", "start": "2026-12-07T08:00:00-05:00" } ],
          "series": [ { "id": "s", "requests": ["r7", "r8"], "intervalDays": 1, "toleranceMinutes": 30, "sameProvider": false } ],
          "options": { "timeLimitSeconds": 2.5, "workers": 3, "seed": 7, "conservative": true,
            "softRules": { "continuityWeight": 3, "dailyCapWeight": 5, "dailyCap": 6, "balanceWeight": 1 } }
        }
        """;

    private static readonly Problem Problem = ProblemFile.Parse(Clinic);

    private static Assignment Booked(string request, string patient, string? provider, string? room, string start, string end) =>
        new(request, patient, provider, room, "main", Offset(start), Offset(end));

    private static OffsetDateTime Offset(string text) => OffsetDateTimePattern.ExtendedIso.Parse(text).Value;

    // A hand-made answer: the fixed booking, three solver bookings (two sharing the infusion room) and four waiting.
    private static readonly Schedule Answer = new(
        ScheduleStatus.Feasible,
        new ScheduleObjective(200, 270, 12, new SoftRuleCosts(3, 0, 2)),
        [
            Booked("r5", "p2", "dr-a", "exam-1", "2026-12-07T08:00:00-05:00", "2026-12-07T08:30:00-05:00"),
            Booked("r2", "p2", null, "chairs", "2026-12-07T08:00:00-05:00", "2026-12-07T08:45:00-05:00"),
            Booked("r6", "p3", null, "chairs", "2026-12-07T08:30:00-05:00", "2026-12-07T09:30:00-05:00"),
            Booked("r1", "p1", "dr-a", "exam-1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"),
        ],
        [
            new UnscheduledRequest("r 4", UnscheduledReason.CapacityTaken, "m4"),
            new UnscheduledRequest("r3", UnscheduledReason.PredecessorUnscheduled, "m3"),
            new UnscheduledRequest("r7", UnscheduledReason.NoAvailabilityInWindow, "m7"),
            new UnscheduledRequest("r8", UnscheduledReason.CapacityTaken, "m8"),
        ],
        new SolveStats(1.23456, 3, 7) { DroppedSolutions = 1 });

    // Exported afresh for each test (xunit makes an instance per test), so that each test's assertions see what the
    // code it runs writes, and a mutation tool's per-test coverage counts every test that reads the bundle.
    private readonly Bundle _exported = SchedulingBundle.Export(Problem, Answer);

    private static string Short(string? url) => (url ?? "?")
        .Replace("https://medcoord.dev/fhir/StructureDefinition/", string.Empty, StringComparison.Ordinal)
        .Replace("https://medcoord.dev/fhir/CodeSystem/", string.Empty, StringComparison.Ordinal)
        .Replace("https://medcoord.dev/fhir/id/", "id:", StringComparison.Ordinal)
        .Replace("http://hl7.org/fhir/StructureDefinition/", string.Empty, StringComparison.Ordinal)
        .Replace("http://terminology.hl7.org/CodeSystem/", string.Empty, StringComparison.Ordinal);

    private static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) ?? "-";

    private static string Value(DataType? value) => value switch
    {
        null => "-",
        Code c => c.Value!,
        FhirString s => s.Value!,
        FhirDecimal d => d.Value!.Value.ToString(CultureInfo.InvariantCulture),
        Integer i => i.Value!.Value.ToString(CultureInfo.InvariantCulture),
        PositiveInt p => p.Value!.Value.ToString(CultureInfo.InvariantCulture),
        FhirBoolean b => b.Value!.Value ? "true" : "false",
        Time t => t.Value!,
        ResourceReference r => r.Reference!,
        Period p => $"{p.Start}..{p.End}",
        Hl7.Fhir.Model.Duration d => Invariant($"{d.Value} {d.Code}"),
        CodeableConcept c => Concept(c),
        var other => other.TypeName,
    };

    private static string Concept(CodeableConcept? c) =>
        c is null ? "-" : string.Join("+", c.Coding.Select(x => $"{Short(x.System)}|{x.Code}"));

    private static string Extensions(IEnumerable<Extension> extensions) => string.Join(" ", extensions.Select(Ext));

    private static string Ext(Extension e) =>
        e.Value is null ? $"{Short(e.Url)}({Extensions(e.Extension)})" : $"{Short(e.Url)}={Value(e.Value)}";

    private static string Ids(IEnumerable<Identifier> ids) => string.Join(",", ids.Select(i => $"{Short(i.System)}={i.Value}"));

    private static string Refs(IEnumerable<ResourceReference> refs) => string.Join(",", refs.Select(r => r.Reference));

    private static string Days(IEnumerable<Code<DaysOfWeek>> days) => string.Join(",", days.Select(d => d.Value));

    [Fact]
    public void Export_EveryEntry_IsAPutOfItsResourceUnderTheBaseUrl_InTheDocumentedOrder()
    {
        Assert.Equal(Bundle.BundleType.Transaction, _exported.Type);
        foreach (var entry in _exported.Entry)
        {
            var path = $"{entry.Resource!.TypeName}/{entry.Resource.Id}";
            Assert.Equal(($"https://medcoord.dev/fhir/{path}", Bundle.HTTPVerb.PUT, path), (entry.FullUrl, entry.Request!.Method, entry.Request.Url));
        }

        Assert.Equal(
            [
                "Basic/scheduling-problem",
                "Location/main", "Location/east", "Location/exam-1", "Location/chairs",
                "Device/us",
                "Practitioner/dr-a", "PractitionerRole/dr-a-main", "PractitionerRole/dr-a-east",
                "Practitioner/provider-1", "PractitionerRole/provider-1",
                "Patient/p1", "Patient/p2", "Patient/p3",
                "HealthcareService/visit", "HealthcareService/infusion",
                "ServiceRequest/r1", "ServiceRequest/r2", "ServiceRequest/r3", "ServiceRequest/request-1", "ServiceRequest/r5",
                "ServiceRequest/r6", "ServiceRequest/r7", "ServiceRequest/r8",
                "Appointment/r5", "Appointment/r2", "Appointment/r6", "Appointment/r1",
                "Appointment/request-1", "Appointment/r3", "Appointment/r7", "Appointment/r8",
                "Schedule/provider-dr-a", "Schedule/provider-provider-1", "Schedule/room-exam-1", "Schedule/room-chairs",
                "Schedule/patient-p1", "Schedule/patient-p3",
            ],
            _exported.Entry.Where(e => e.Resource is not Slot).Select(e => $"{e.Resource!.TypeName}/{e.Resource.Id}"));
        var slots = All<Slot>(_exported).ToList();
        Assert.Equal(slots.Count, slots.Select(s => s.Id).Distinct().Count());
        Assert.All(slots, s => Assert.StartsWith(s.Schedule.Reference!["Schedule/".Length..] + "-", s.Id, StringComparison.Ordinal));
        Assert.Empty(FhirValidation.Errors(_exported));
    }

    [Fact]
    public void Export_TheProblemResource_CarriesTheHorizonOptionsSeriesAndTheSchedulesResult()
    {
        var basic = All<Basic>(_exported).Single();

        Assert.Equal("resource-kind|scheduling-problem", Concept(basic.Code));
        Assert.Equal(
            "horizon=2026-12-07..2026-12-08"
            + " solve-options(timeLimitSeconds=2.5 workers=3 seed=7 conservative=true"
            + " softRules(continuityWeight=3 dailyCapWeight=5 dailyCap=6 balanceWeight=1))"
            + " series(id=s request=ServiceRequest/r7 request=ServiceRequest/r8 intervalDays=1 toleranceMinutes=30 sameProvider=false)"
            + " schedule-result(status=Feasible scheduledPriority=200 upperBound=270 waitingCost=12 softRuleCost=5"
            + " wallSeconds=1.235 workers=3 seed=7 droppedSolutions=1)",
            Extensions(basic.Extension));
    }

    [Fact]
    public void Export_OptionsLeftOut_AreNotWritten()
    {
        string Options(MedCoord.Scheduling.Model.SolveOptions? options) =>
            Extensions(All<Basic>(SchedulingBundle.Export(Problem with { Options = options, Series = [] })).Single().Extension);

        Assert.Equal("horizon=2026-12-07..2026-12-08", Options(null));
        Assert.Equal("horizon=2026-12-07..2026-12-08", Options(new()));
        Assert.Equal("horizon=2026-12-07..2026-12-08 solve-options(seed=0)", Options(new(Seed: 0)));
        Assert.Equal(
            "horizon=2026-12-07..2026-12-08 solve-options(conservative=false softRules(continuityWeight=0 dailyCapWeight=0 balanceWeight=2))",
            Options(new(SoftRules: new(Balance: 2)) { Conservative = false }));
        var noSchedule = All<Basic>(SchedulingBundle.Export(Problem, new Schedule(Answer.Status, new(1, 1, 0), Answer.Assignments, Answer.Unscheduled, Answer.Stats))).Single();
        Assert.DoesNotContain("softRuleCost", Extensions(noSchedule.Extension), StringComparison.Ordinal);
    }

    private static string Describe(Location l) =>
        $"{l.Id} [{Ids(l.Identifier)}] {l.Status} {l.Mode} {Concept(l.PhysicalType)} type=[{string.Join(",", l.Type.Select(Concept))}]"
        + $" partOf={l.PartOf?.Reference ?? "-"} hours=[{string.Join("; ", l.HoursOfOperation.Select(h => $"{Days(h.DaysOfWeekElement)} {(h.AllDay == true ? "all day" : $"{h.OpeningTime}-{h.ClosingTime}")}"))}]"
        + $" {Extensions(l.Extension)}";

    [Fact]
    public void Export_FacilitiesAndRooms_AreLocations()
    {
        Assert.Equal(
            [
                "main [] Active Instance location-physical-type|si type=[] partOf=- hours=[Mon,Tue 08:00:00-12:00:00; Sat all day; Sun 20:00:00-23:59:59] timezone=America/New_York",
                "east [] Active Instance location-physical-type|si type=[] partOf=- hours=[] timezone=Asia/Kolkata",
                "exam-1 [] Active Instance location-physical-type|ro type=[room-feature|exam] partOf=Location/main hours=[] ",
                "chairs [] Active Instance location-physical-type|ro type=[room-feature|infusion] partOf=Location/main hours=[] capacity=2",
            ],
            All<Location>(_exported).Select(Describe));
    }

    [Fact]
    public void Export_APool_IsADeviceAtItsFacility()
    {
        var device = All<Device>(_exported).Single();

        Assert.Equal(
            "us [] equipment-kind|ultrasound Location/main pool-count=2",
            $"{device.Id} [{Ids(device.Identifier)}] {Concept(device.Type)} {device.Location!.Reference} {Extensions(device.Extension)}");
    }

    [Fact]
    public void Export_AProvider_IsAPractitionerWithOneRolePerFacility_TheFirstCarryingTheTimeOff()
    {
        Assert.Equal(
            ["dr-a [] daily-cap=4", "provider-1 [id:provider=dr b] "],
            All<Practitioner>(_exported).Select(p => $"{p.Id} [{Ids(p.Identifier)}] {Extensions(p.Extension)}"));
        Assert.Equal(
            [
                "dr-a-main True Practitioner/dr-a skill|pc at Location/main [Mon 08:00:00-12:00:00] off [time off 2026-12-07T10:00:00-05:00..2026-12-07T10:30:00-05:00]",
                "dr-a-east True Practitioner/dr-a skill|pc at Location/east [Tue all day] off []",
                "provider-1 True Practitioner/provider-1 skill|pc,skill|gp at  [] off [time off 2026-12-08T00:00:00+00:00..2026-12-08T01:00:00+00:00]",
            ],
            All<PractitionerRole>(_exported).Select(r =>
                $"{r.Id} {r.Active} {r.Practitioner!.Reference} {string.Join(",", r.Specialty.Select(Concept))} at {Refs(r.Location)}"
                + $" [{string.Join("; ", r.AvailableTime.Select(t => $"{Days(t.DaysOfWeekElement)} {(t.AllDay == true ? "all day" : $"{t.AvailableStartTime}-{t.AvailableEndTime}")}"))}]"
                + $" off [{string.Join("; ", r.NotAvailable.Select(n => $"{n.Description} {n.During!.Start}..{n.During.End}"))}]"));
    }

    [Fact]
    public void Export_IdsFhirCannotUseOrAlreadyTaken_AreNumberedInListOrder_SkippingNumbersInUse()
    {
        var extra = Problem.Providers[1];
        var problem = Problem with { Providers = [.. Problem.Providers, extra with { Id = "provider-1" }, extra with { Id = "dr c" }] };

        Assert.Equal(
            ["dr-a []", "provider-1 [id:provider=dr b]", "provider-2 [id:provider=provider-1]", "provider-3 [id:provider=dr c]"],
            All<Practitioner>(SchedulingBundle.Export(problem)).Select(p => $"{p.Id} [{Ids(p.Identifier)}]"));
    }

    [Fact]
    public void Export_ARoleId_ComesFromTheKeptIds_ElseFromThePractitionerAndFacility()
    {
        var kept = new SchedulingResourceIds(new Dictionary<string, string> { ["dr-a|east"] = "role-east" }, new Dictionary<string, string>(), new Dictionary<string, string>());
        var single = Problem with
        {
            Providers = [.. Problem.Providers.Select(p => p with { Availability = [.. p.Availability.Where(a => a.FacilityId == "main")] })],
        };

        Assert.Equal(["dr-a-main", "role-east", "provider-1"], All<PractitionerRole>(SchedulingBundle.Export(Problem, ids: kept)).Select(r => r.Id));
        Assert.Equal(["dr-a", "provider-1"], All<PractitionerRole>(SchedulingBundle.Export(single)).Select(r => r.Id));
    }

    [Fact]
    public void Export_Patients_CarryTheirZoneHoursAndPreviousProvider()
    {
        Assert.Equal(
            [
                "p1 [] timezone=Pacific/Auckland available-time(daysOfWeek=tue availableStartTime=02:00:00 availableEndTime=07:00:00) available-time(daysOfWeek=wed allDay=true) -",
                "p2 []  Practitioner/dr-a",
                "p3 []  -",
            ],
            All<Patient>(_exported).Select(p => $"{p.Id} [{Ids(p.Identifier)}] {Extensions(p.Extension)} {(p.GeneralPractitioner.Count == 0 ? "-" : Refs(p.GeneralPractitioner))}"));
    }

    [Fact]
    public void Export_AppointmentTypes_AreHealthcareServices()
    {
        Assert.Equal(
            [
                "visit [] True appointment-type|visit skill|pc [room-feature|exam] duration=30 min buffer=10 min",
                "infusion [] True appointment-type|infusion  [room-feature|infusion,equipment-kind|ultrasound] duration=60 min",
            ],
            All<HealthcareService>(_exported).Select(s =>
                $"{s.Id} [{Ids(s.Identifier)}] {s.Active} {string.Join(",", s.Type.Select(Concept))} {string.Join(",", s.Specialty.Select(Concept))}"
                + $" [{string.Join(",", s.Characteristic.Select(Concept))}] {Extensions(s.Extension)}"));
        var minutes = _exported.Entry.SelectMany(e => ((DomainResource)e.Resource!).Extension).Select(x => x.Value).OfType<Hl7.Fhir.Model.Duration>().ToList();
        Assert.Equal(4, minutes.Count);
        Assert.All(minutes, m => Assert.Equal(("min", "http://unitsofmeasure.org", "min"), (m.Unit, m.System, m.Code)));
    }

    [Fact]
    public void Export_Requests_AreServiceRequests_WithThePriorityCodeOfTheirWeight()
    {
        Assert.Equal(
            [
                "r1 [] Active Order Stat appointment-type|visit Patient/p1 2026-12-07..2026-12-08  priority-weight=100",
                "r2 [] Active Order Asap appointment-type|infusion Patient/p2 2026-12-07..  priority-weight=50 duration=45 min",
                "r3 [] Active Order Urgent appointment-type|visit Patient/p2 ..2026-12-08 Practitioner/provider-1 priority-weight=10 follows(request=ServiceRequest/r1 minGapMinutes=60 maxGapMinutes=120)",
                "request-1 [id:request=r 4] Active Order Routine appointment-type|visit Patient/p1 -  priority-weight=9 follows(request=ServiceRequest/r2 minGapMinutes=0)",
                "r5 [] Active Order Urgent appointment-type|visit Patient/p2 -  priority-weight=49",
                "r6 [] Active Order Routine appointment-type|infusion Patient/p3 -  priority-weight=1",
                "r7 [] Active Order Asap appointment-type|visit Patient/p3 -  priority-weight=99",
                "r8 [] Active Order Urgent appointment-type|visit Patient/p3 -  priority-weight=11",
            ],
            All<ServiceRequest>(_exported).Select(r =>
                $"{r.Id} [{Ids(r.Identifier)}] {r.Status} {r.Intent} {r.Priority} {Concept(r.Code)} {r.Subject.Reference} {Value(r.Occurrence)}"
                + $" {Refs(r.Performer)} {Extensions(r.Extension)}"));
    }

    private static string Describe(Appointment a) =>
        $"{a.Id} {a.Status} {When(a.Start)}..{When(a.End)} {a.MinutesDuration?.ToString(CultureInfo.InvariantCulture) ?? "-"} {Refs(a.BasedOn)}"
        + $" {string.Join(",", a.ServiceType.Select(Concept))} [{string.Join(",", a.Participant.Select(p => $"{p.Actor!.Reference}:{p.Status}"))}] {Extensions(a.Extension)}";

    [Fact]
    public void Export_TheFixedBookingsThenTheSolversThenTheWaitingOnes_AreAppointments()
    {
        Assert.Equal(
            [
                "r5 Booked 2026-12-07T08:00:00-05:00..2026-12-07T08:30:00-05:00 30 ServiceRequest/r5 appointment-type|visit [Patient/p2:Accepted,Practitioner/dr-a:Accepted,Location/exam-1:Accepted] ",
                "r2 Booked 2026-12-07T08:00:00-05:00..2026-12-07T08:45:00-05:00 45 ServiceRequest/r2 appointment-type|infusion [Patient/p2:Accepted,Location/chairs:Accepted,Location/main:Accepted] solver-assignment=true",
                "r6 Booked 2026-12-07T08:30:00-05:00..2026-12-07T09:30:00-05:00 60 ServiceRequest/r6 appointment-type|infusion [Patient/p3:Accepted,Location/chairs:Accepted,Location/main:Accepted] solver-assignment=true",
                "r1 Booked 2026-12-07T09:00:00-05:00..2026-12-07T09:30:00-05:00 30 ServiceRequest/r1 appointment-type|visit [Patient/p1:Accepted,Practitioner/dr-a:Accepted,Location/exam-1:Accepted,Location/main:Accepted] solver-assignment=true",
                "request-1 Waitlist -..- - ServiceRequest/request-1  [Patient/p1:Accepted] unscheduled(reason=CapacityTaken message=m4)",
                "r3 Waitlist -..- - ServiceRequest/r3  [Patient/p2:Accepted] unscheduled(reason=PredecessorUnscheduled message=m3)",
                "r7 Waitlist -..- - ServiceRequest/r7  [Patient/p3:Accepted] unscheduled(reason=NoAvailabilityInWindow message=m7)",
                "r8 Waitlist -..- - ServiceRequest/r8  [Patient/p3:Accepted] unscheduled(reason=CapacityTaken message=m8)",
            ],
            All<Appointment>(_exported).Select(Describe));
    }

    [Fact]
    public void Export_AFixedBooking_IsWrittenInTheZoneOfItsRoomsFacility_ElseItsFacility_ElseItsProviders()
    {
        var problem = Problem with
        {
            AppointmentTypes = [.. Problem.AppointmentTypes, new("call", 20, "pc", [])],
            Requests = [.. Problem.Requests.Select(r => r.Id == "r5" ? r with { TypeId = "call" } : r)],
        };
        string Start(MedCoord.Scheduling.Model.FixedBooking booking) =>
            When(All<Appointment>(SchedulingBundle.Export(problem with { Fixed = [booking] })).Single().Start);

        // A type without rooms: at the facility named, else at the first the provider works at then (docs/problem-format.md).
        Assert.Equal("2026-12-08T09:30:00+05:30", Start(new("r5", "dr-a", null, Instant.FromUtc(2026, 12, 8, 4, 0), "east")));
        Assert.Equal("2026-12-07T08:00:00-05:00", Start(new("r5", "dr-a", null, Instant.FromUtc(2026, 12, 7, 13, 0))));
        Assert.Equal("2026-12-08T09:30:00+05:30", Start(new("r5", "dr-a", null, Instant.FromUtc(2026, 12, 8, 4, 0))));
    }

    [Fact]
    public void Export_KeptAppointmentAndScheduleIds_AreUsed()
    {
        var kept = new SchedulingResourceIds(
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["r5"] = "appt-5", ["r1"] = "appt-1" },
            new Dictionary<string, string> { ["room|chairs"] = "chairs-schedule", ["provider|dr b"] = "b-schedule" });

        var bundle = SchedulingBundle.Export(Problem, Answer, kept);

        Assert.Equal(["appt-5", "r2", "r6", "appt-1", "request-1", "r3", "r7", "r8"], All<Appointment>(bundle).Select(a => a.Id));
        Assert.Equal(
            ["provider-dr-a", "b-schedule", "room-exam-1", "chairs-schedule", "patient-p1", "patient-p3"],
            All<Hl7.Fhir.Model.Schedule>(bundle).Select(s => s.Id));
    }

    [Fact]
    public void Export_Schedules_CoverTheHorizon_WithTheFreeAndBusySlotsOfEachProviderRoomAndPatient()
    {
        Assert.All(All<Hl7.Fhir.Model.Schedule>(_exported), s => Assert.Equal((true, "2026-12-07", "2026-12-08"), (s.Active, s.PlanningHorizon!.Start, s.PlanningHorizon.End)));
        Assert.Equal(
            ["Practitioner/dr-a", "Practitioner/provider-1", "Location/exam-1", "Location/chairs", "Patient/p1", "Patient/p3"],
            All<Hl7.Fhir.Model.Schedule>(_exported).Select(s => Refs(s.Actor)));
        Assert.Equal(
            [
                // The provider: free at each facility within its hours, less time off and bookings; then its bookings.
                "provider-dr-a Free 2026-12-07T08:30:00-05:00..2026-12-07T09:00:00-05:00",
                "provider-dr-a Free 2026-12-07T09:30:00-05:00..2026-12-07T10:00:00-05:00",
                "provider-dr-a Free 2026-12-07T10:30:00-05:00..2026-12-07T12:00:00-05:00",
                "provider-dr-a Free 2026-12-08T00:00:00+05:30..2026-12-09T00:00:00+05:30",
                "provider-dr-a Busy 2026-12-07T08:00:00-05:00..2026-12-07T08:30:00-05:00",
                "provider-dr-a Busy 2026-12-07T09:00:00-05:00..2026-12-07T09:30:00-05:00",

                // A room: its blocks; free in opening hours less blocks and turnover; held until its turnover ends.
                "room-exam-1 BusyUnavailable 2026-12-07T11:00:00-05:00..2026-12-07T12:00:00-05:00",
                "room-exam-1 Free 2026-12-07T08:40:00-05:00..2026-12-07T09:00:00-05:00",
                "room-exam-1 Free 2026-12-07T09:40:00-05:00..2026-12-07T11:00:00-05:00",
                "room-exam-1 Free 2026-12-08T08:00:00-05:00..2026-12-08T12:00:00-05:00",
                "room-exam-1 Busy 2026-12-07T08:00:00-05:00..2026-12-07T08:40:00-05:00",
                "room-exam-1 Busy 2026-12-07T09:00:00-05:00..2026-12-07T09:40:00-05:00",

                // A shared room is free until it is full; what it holds at once is overbooked.
                "room-chairs Free 2026-12-07T08:00:00-05:00..2026-12-07T08:30:00-05:00",
                "room-chairs Free 2026-12-07T08:45:00-05:00..2026-12-07T12:00:00-05:00",
                "room-chairs Free 2026-12-08T08:00:00-05:00..2026-12-08T12:00:00-05:00",
                "room-chairs Busy 2026-12-07T08:00:00-05:00..2026-12-07T08:45:00-05:00 overbooked",
                "room-chairs Busy 2026-12-07T08:30:00-05:00..2026-12-07T09:30:00-05:00 overbooked",

                // Patients with blocks, in their own zone (UTC without one).
                "patient-p1 BusyUnavailable 2026-12-08T03:00:00+13:00..2026-12-08T04:00:00+13:00",
                "patient-p3 BusyUnavailable 2026-12-08T12:00:00+00:00..2026-12-08T13:00:00+00:00",
            ],
            All<Slot>(_exported).Select(s =>
                $"{s.Schedule.Reference!["Schedule/".Length..]} {s.Status} {When(s.Start)}..{When(s.End)}{(s.Overbooked == true ? " overbooked" : string.Empty)}"));
        Assert.DoesNotContain(All<Slot>(_exported), s => s.Overbooked == false);
    }

    [Fact]
    public void Export_WithoutASchedule_BooksOnlyTheFixedRequests()
    {
        var bundle = SchedulingBundle.Export(Problem);

        Assert.Equal(["r5"], All<Appointment>(bundle).Select(a => a.Id));
        Assert.DoesNotContain(All<Basic>(bundle).Single().Extension, e => e.Url!.EndsWith("schedule-result", StringComparison.Ordinal));
        Assert.Equal(
            ["room-exam-1 Busy 08:00..08:40", "room-chairs Busy none"],
            new[] { "room-exam-1", "room-chairs" }.Select(room =>
            {
                var busy = All<Slot>(bundle).Where(s => s.Schedule.Reference == $"Schedule/{room}" && s.Status == Slot.SlotStatus.Busy).ToList();
                return $"{room} Busy {(busy.Count == 0 ? "none" : string.Join(",", busy.Select(s => Invariant($"{s.Start:HH:mm}..{s.End:HH:mm}"))))}";
            }));
    }

    [Fact]
    public void Export_AScheduleOfAnotherProblem_IsRefusedWithThePathOfEachUnknownId()
    {
        var other = Answer with
        {
            Assignments = [Answer.Assignments[0] with { RequestId = "x1", ProviderId = "x2", RoomId = "x3", FacilityId = "x4" }],
            Unscheduled = [Answer.Unscheduled[0], new UnscheduledRequest("x5", UnscheduledReason.CapacityTaken, "m")],
        };

        var error = Assert.Throws<ValidationException>(() => SchedulingBundle.Export(Problem, other));

        Assert.Equal(("schedule", "schedule"), (error.Input, error.ParamName));

        Assert.Equal(
            [
                "assignments[0].request: unknown request 'x1'",
                "assignments[0].provider: unknown provider 'x2'",
                "assignments[0].room: unknown room 'x3'",
                "assignments[0].facility: unknown facility 'x4'",
                "unscheduled[1].request: unknown request 'x5'",
            ],
            error.Errors.Select(e => $"{e.Path}: {e.Message}"));
    }

    [Fact]
    public void Export_AnInvalidProblem_IsRefusedWithItsErrors()
    {
        var error = Assert.Throws<ProblemValidationException>(() => SchedulingBundle.Export(Problem with { Requests = [.. Problem.Requests, Problem.Requests[0]] }));

        Assert.NotEmpty(error.Errors);
    }
}
