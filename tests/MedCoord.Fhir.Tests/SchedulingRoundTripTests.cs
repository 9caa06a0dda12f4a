using Hl7.Fhir.Model;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Verification;
using NodaTime;
using Duration = NodaTime.Duration;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>import(export(problem)) is the same problem; export(import(bundle)) keeps every resource's id.</summary>
public sealed class SchedulingRoundTripTests
{
    private static Problem RoundTrip(Problem problem, MedCoord.Scheduling.Results.Schedule? schedule = null)
    {
        // Through JSON text too, as a file would carry it.
        var json = FhirJson.Serialize(SchedulingBundle.Export(problem, schedule));
        Assert.Empty(FhirJson.TryParseBundle(json, out var bundle));
        var imported = SchedulingBundle.Import(bundle!);
        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));
        return imported.Problem!;
    }

    [Theory]
    [InlineData("clinic-small.json")]
    [InlineData("day-unit.json")]
    public void ImportOfExport_ASample_IsTheSameProblem(string sample)
    {
        var problem = SchedulingTestData.Sample(sample);

        Assert.Equal(SchedulingTestData.Canonical(problem), SchedulingTestData.Canonical(RoundTrip(problem)));
    }

    [Fact]
    public void ImportOfExport_WithASolvedSchedule_IsTheSameProblem()
    {
        var problem = SchedulingTestData.Sample("clinic-small.json");
        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(5), 1, 0));

        Assert.Equal(SchedulingTestData.Canonical(problem), SchedulingTestData.Canonical(RoundTrip(problem, schedule)));
    }

    [Fact]
    public void Export_WithASchedule_CarriesItsStatusObjectiveAndStats_WhichTheImportLeavesAside()
    {
        var problem = SchedulingTestData.Sample("day-unit.json");
        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(5), 2, 7));

        var bundle = SchedulingBundle.Export(problem, schedule);

        var result = bundle.Entry.Select(e => e.Resource).OfType<Basic>().Single().Extension.Single(x => x.Url == "https://medcoord.dev/fhir/StructureDefinition/schedule-result");
        string Value(string url) => result.Extension.Single(x => x.Url == url).Value switch
        {
            Code c => c.Value!,
            FhirDecimal d => d.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Integer i => i.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            var other => other?.ToString() ?? string.Empty,
        };
        Assert.Equal(
            (schedule.Status.ToString(), $"{schedule.Objective.ScheduledPriority}", $"{schedule.Objective.UpperBound}", $"{schedule.Objective.WaitingCost}", "2", "7", $"{schedule.Stats.DroppedSolutions}"),
            (Value("status"), Value("scheduledPriority"), Value("upperBound"), Value("waitingCost"), Value("workers"), Value("seed"), Value("droppedSolutions")));
        Assert.Empty(FhirValidation.Errors(bundle));
        Assert.Equal(ProblemFile.Serialize(problem), ProblemFile.Serialize(SchedulingBundle.Import(bundle).Problem!));
    }

    [Fact]
    public void ImportOfExport_GeneratedProblems_AreTheSameProblems()
    {
        // 20 small problems of every feature: links, series, shared rooms, pools, fixed bookings, far patient zones.
        for (var i = 0; i < 20; i++)
        {
            var problem = FuzzProblems.Create(11, i, maxRequests: 30);

            Assert.Equal(SchedulingTestData.Canonical(problem), SchedulingTestData.Canonical(RoundTrip(problem)));
        }
    }

    [Fact]
    public void ImportOfExport_WhatTheGeneratorLeavesOut_IsKept()
    {
        // Options with soft rules, previous providers, daily caps, 24:00 ends, all-day blocks, ids FHIR cannot use as they are.
        var problem = SchedulingTestData.Sample("clinic-small.json");
        problem = problem with
        {
            Options = new SolveOptions(Duration.FromSeconds(2.5), 3, 7, new SoftRuleWeights(3, 5, 10, 1)) { Conservative = true },
            Patients = [.. problem.Patients.Select((p, i) => i == 0 ? p with { PreviousProviderId = problem.Providers[0].Id } : p)],
            Providers = [.. problem.Providers.Select((p, i) => i == 0 ? p with { DailyCap = 8 } : p)],
            Facilities = [.. problem.Facilities.Select((f, i) => i == 0 ? f with { Hours = [new WeeklyHours([IsoDayOfWeek.Monday], LocalTime.Midnight, LocalTime.Midnight), new WeeklyHours([IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday], new LocalTime(7, 0), LocalTime.Midnight)] } : f)],
        };
        var renamed = Rename(problem, problem.Requests[0].Id, "r_under score");

        var back = RoundTrip(renamed);

        Assert.Equal(SchedulingTestData.Canonical(renamed), SchedulingTestData.Canonical(back));
    }

    private static Problem Rename(Problem p, string from, string to) => p with
    {
        Requests = [.. p.Requests.Select(r => (r.Id == from ? r with { Id = to } : r) with { After = [.. r.After.Select(l => l.RequestId == from ? l with { RequestId = to } : l)] })],
        Fixed = [.. p.Fixed.Select(f => f.RequestId == from ? f with { RequestId = to } : f)],
        Series = [.. p.Series.Select(s => s with { RequestIds = [.. s.RequestIds.Select(r => r == from ? to : r)] })],
    };

    [Fact]
    public void ImportOfExport_ARoomNamedLikeItsFacility_GetsItsOwnLocationAndComesBack()
    {
        var problem = SchedulingTestData.Sample("clinic-small.json");
        var room = problem.Rooms[0];
        var facility = room.FacilityId;
        var renamed = problem with
        {
            Rooms = [.. problem.Rooms.Select(r => r.Id == room.Id ? r with { Id = facility } : r)],
            Fixed = [.. problem.Fixed.Select(f => f.RoomId == room.Id ? f with { RoomId = facility } : f)],
        };

        var bundle = SchedulingBundle.Export(renamed);

        var locations = bundle.Entry.Select(e => e.Resource).OfType<Location>().ToList();
        Assert.Equal(locations.Count, locations.Select(l => l.Id).Distinct().Count());
        Assert.Equal(facility, Assert.Single(locations.Single(l => l.Id == "room-1").Identifier).Value);
        Assert.Equal(SchedulingTestData.Canonical(renamed), SchedulingTestData.Canonical(RoundTrip(renamed)));
    }

    [Fact]
    public void Import_AnEhrBundleOfUuidEntries_ReadsTheUuidsAsIds()
    {
        // The POST form of a transaction: no ids, each entry a urn:uuid fullUrl that the references name.
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(SchedulingTestData.Path("ehr-bundle.json")))!.AsObject();
        var uuids = new Dictionary<string, string>();
        foreach (var entry in root["entry"]!.AsArray())
        {
            var resource = entry!["resource"]!.AsObject();
            var key = $"{resource["resourceType"]}/{resource["id"]}";
            uuids[key] = $"urn:uuid:{Guid.NewGuid()}";
            resource.Remove("id");
            entry["fullUrl"] = uuids[key];
            entry["request"] = new System.Text.Json.Nodes.JsonObject { ["method"] = "POST", ["url"] = key.Split('/')[0] };
        }

        var json = root.ToJsonString();
        foreach (var (key, uuid) in uuids)
        {
            json = json.Replace($"\"reference\":\"{key}\"", $"\"reference\":\"{uuid}\"", StringComparison.Ordinal);
        }

        Assert.Empty(FhirJson.TryParseBundle(json, out var bundle));
        var imported = SchedulingBundle.Import(bundle!);

        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));
        var request = imported.Problem!.Requests.Single(r => $"urn:uuid:{r.Id}" == uuids["ServiceRequest/sr-echo"]);
        Assert.Equal($"urn:uuid:{request.PatientId}", uuids["Patient/pat-2"]);
        Assert.Equal($"urn:uuid:{Assert.Single(imported.Problem.Fixed).ProviderId}", uuids["Practitioner/prac-ortiz"]);
    }

    [Fact]
    public void Export_AnIdFhirCannotUse_GetsAFhirIdAndKeepsItsOwnAsAnIdentifier()
    {
        var problem = SchedulingTestData.Sample("clinic-small.json");
        var renamed = Rename(problem, problem.Requests[0].Id, "r_under score");

        var request = SchedulingBundle.Export(renamed).Entry.Select(e => e.Resource).OfType<ServiceRequest>().First();

        Assert.Equal("request-1", request.Id);
        Assert.Equal("r_under score", Assert.Single(request.Identifier).Value);
    }

    [Fact]
    public void ExportOfImport_KeepsEveryResourceId()
    {
        var first = SchedulingBundle.Export(SchedulingTestData.Sample("day-unit.json"));
        var imported = SchedulingBundle.Import(first);
        Assert.Empty(imported.Errors);

        var second = SchedulingBundle.Export(imported.Problem!);

        Assert.Equal(first.Entry.Select(e => $"{e.Resource!.TypeName}/{e.Resource.Id}"), second.Entry.Select(e => $"{e.Resource!.TypeName}/{e.Resource.Id}"));
        Assert.Equal(FhirJson.Serialize(first), FhirJson.Serialize(second));
    }

    [Fact]
    public void ExportOfImport_AnEhrBundle_KeepsTheIdsOfItsLocationsPractitionersPatientsServicesAndRequests()
    {
        Assert.Empty(FhirJson.TryParseBundle(File.ReadAllText(SchedulingTestData.Path("ehr-bundle.json")), out var ehr));
        var imported = SchedulingBundle.Import(ehr!);
        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));

        var again = SchedulingBundle.Export(imported.Problem!);

        // An ActivityDefinition comes back as a HealthcareService under the same id (the export writes types as services).
        var kept = new[] { "Location", "Practitioner", "Patient", "HealthcareService", "ServiceRequest" };
        string Key(Resource r) => $"{(r is ActivityDefinition ? "HealthcareService" : r.TypeName)}/{r.Id}";
        var ids = ehr!.Entry.Select(e => e.Resource!).Where(r => kept.Contains(r.TypeName) || r is ActivityDefinition).Select(Key).ToHashSet();
        Assert.Equal(12, ids.Count);
        var exported = again.Entry.Select(e => e.Resource!).Where(r => kept.Contains(r.TypeName)).Select(r => $"{r.TypeName}/{r.Id}").ToHashSet();
        Assert.Equal(ids, exported);
    }

    [Fact]
    public void ExportOfImport_WithItsResourceIds_AlsoKeepsTheIdsOfRolesFixedAppointmentsAndSchedules()
    {
        Assert.Empty(FhirJson.TryParseBundle(File.ReadAllText(SchedulingTestData.Path("ehr-bundle.json")), out var ehr));
        var imported = SchedulingBundle.Import(ehr!);
        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));

        var again = SchedulingBundle.Export(imported.Problem!, null, imported.ResourceIds);
        var plain = SchedulingBundle.Export(imported.Problem!);

        var derived = new[] { "PractitionerRole", "Appointment", "Schedule" };
        string Key(Resource r) => $"{r.TypeName}/{r.Id}";
        var before = ehr!.Entry.Select(e => e.Resource!).Where(r => derived.Contains(r.TypeName)).Select(Key).ToList();
        Assert.Equal(["PractitionerRole/role-ortiz", "PractitionerRole/role-kim", "Appointment/appt-1001", "Schedule/sched-exam-1"], before);
        var after = again.Entry.Select(e => e.Resource!).Select(Key).ToHashSet();
        Assert.Superset(before.ToHashSet(), after);
        Assert.DoesNotContain("Appointment/appt-1001", plain.Entry.Select(e => Key(e.Resource!)));
        Assert.Equal("Schedule/sched-exam-1", again.Entry.Select(e => e.Resource).OfType<Slot>().First(s => s.Status == Slot.SlotStatus.BusyUnavailable).Schedule.Reference);
        Assert.Empty(FhirValidation.Errors(again));
        // The ids kept do not change the problem.
        var back = SchedulingBundle.Import(again);
        Assert.Empty(back.Errors);
        Assert.Equal(ProblemFile.Serialize(imported.Problem!), ProblemFile.Serialize(back.Problem!));
        Assert.Equal(imported.ResourceIds.Roles, back.ResourceIds.Roles);
        Assert.Equal(imported.ResourceIds.Appointments, back.ResourceIds.Appointments);
    }

    [Fact]
    public void Import_AnEhrBundle_ReadsItsPlainResourcesAndSolves()
    {
        Assert.Empty(FhirJson.TryParseBundle(File.ReadAllText(SchedulingTestData.Path("ehr-bundle.json")), out var ehr));

        var imported = SchedulingBundle.Import(ehr!);

        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));
        var problem = imported.Problem!;
        var facility = Assert.Single(problem.Facilities);
        Assert.Equal("America/Denver", facility.Zone.Id);
        Assert.Equal(new LocalTime(8, 0), facility.Hours![0].From);
        Assert.Equal(new DateInterval(new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 11)), problem.Horizon);
        var request = problem.Requests.Single(r => r.Id == "sr-echo");
        Assert.Equal(50, request.Priority);
        Assert.Equal(new LocalDate(2026, 12, 8), request.Earliest);
        Assert.Equal("echo", problem.AppointmentTypes.Single(t => t.Id == request.TypeId).RoomFeatures.Single());
        Assert.Equal(30, problem.AppointmentTypes.Single(t => t.Id == "consult").DurationMinutes);
        Assert.Single(problem.Providers.Single(p => p.Id == "prac-ortiz").TimeOff);
        Assert.Single(problem.Rooms.Single(r => r.Id == "room-exam-1").Unavailable);
        var booked = Assert.Single(problem.Fixed);
        Assert.Equal(("sr-consult-1", "prac-ortiz", "room-exam-1"), (booked.RequestId, booked.ProviderId, booked.RoomId));

        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(5), 1, 0));

        Assert.Equal(problem.Requests.Count, schedule.Assignments.Count);
        var echo = schedule.Assignments.Single(a => a.RequestId == "sr-echo");
        Assert.Equal("room-echo", echo.RoomId);
        Assert.Equal(Offset.FromHours(-7), echo.Start.Offset);
        Assert.Equal(new LocalDateTime(2026, 12, 7, 10, 0), schedule.Assignments.Single(a => a.RequestId == "sr-consult-1").Start.LocalDateTime);
    }
}
