using System.Text.Json.Nodes;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Serialization;
using Xunit;
using static MedCoord.Fhir.Tests.EhrBundle;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// Each way an EHR may write a part of a scheduling problem, made by one edit of the hand-written EHR bundle: the part of
/// the imported problem (as its problem file) that the edit decides.
/// </summary>
public sealed class SchedulingBundleReadTests
{
    private const string Sd = "https://medcoord.dev/fhir/StructureDefinition/";
    private const string Kind = "https://medcoord.dev/fhir/CodeSystem/";
    private const string ProblemBasic = """{ "resourceType": "Basic", "id": "problem", "code": { "coding": [ { "system": "https://medcoord.dev/fhir/CodeSystem/resource-kind", "code": "scheduling-problem" } ] }, "extension": [] }""";

    private static void Zoned(JsonArray entries, string patient, string availableTime)
    {
        Extend(Resource(entries, patient), """{ "url": "http://hl7.org/fhir/StructureDefinition/timezone", "valueCode": "America/Denver" }""");
        Extend(Resource(entries, patient), availableTime);
    }

    private static void Problem(JsonArray entries, params string[] extensions)
    {
        Add(entries, ProblemBasic);
        foreach (var extension in extensions)
        {
            Extend(Resource(entries, "problem"), extension);
        }
    }

    private static void Edit(JsonArray entries, string id, string property, string value) => Resource(entries, id)[property] = Json(value);

    private static readonly Dictionary<string, (Action<JsonArray> Edit, string Path, string Expected)> Reads = new()
    {
        ["a room's capacity as an integer"] = (e => Extend(Resource(e, "room-echo"), $$"""{ "url": "{{Sd}}capacity", "valueInteger": 3 }"""), "rooms[1].capacity", "3"),
        ["a room's capacity as a positiveInt"] = (e => Extend(Resource(e, "room-echo"), $$"""{ "url": "{{Sd}}capacity", "valuePositiveInt": 2 }"""), "rooms[1].capacity", "2"),
        ["a room's capacity as an unsignedInt"] = (e => Extend(Resource(e, "room-echo"), $$"""{ "url": "{{Sd}}capacity", "valueUnsignedInt": 4 }"""), "rooms[1].capacity", "4"),
        ["a room's capacity as a whole decimal"] = (e => Extend(Resource(e, "room-echo"), $$"""{ "url": "{{Sd}}capacity", "valueDecimal": 2.0 }"""), "rooms[1].capacity", "2"),
        ["a room of a wing"] = (e =>
            {
                Add(e, """{ "resourceType": "Location", "id": "wing-a", "partOf": { "reference": "Location/loc-denver" }, "type": [ { "coding": [ { "code": "wing" } ] } ] }""");
                Edit(e, "room-echo", "partOf", """{ "reference": "Location/wing-a" }""");
            }, "rooms[1].facility", "\"loc-denver\""),
        ["a room's features, once each"] = (e => Edit(e, "room-echo", "type", """[ { "coding": [ { "code": "echo" }, { "display": "no code" } ] }, { "coding": [ { "code": "echo" }, { "code": "stress" } ] } ]"""), "rooms[1].features", """["echo", "stress"]"""),
        ["an equipment pool"] = (e => Add(e, $$"""{ "resourceType": "Device", "id": "dev-ecg", "type": { "coding": [ { "system": "http://snomed.info/sct", "code": "706767009" }, { "system": "{{Kind}}equipment-kind", "code": "ecg" } ] }, "location": { "reference": "Location/room-echo" }, "extension": [ { "url": "{{Sd}}pool-count", "valueInteger": 2 } ] }"""),
            "equipment", """[ { "id": "dev-ecg", "facility": "loc-denver", "kind": "ecg", "count": 2 } ]"""),
        ["an equipment pool of a plain coding"] = (e => Add(e, """{ "resourceType": "Device", "id": "dev-ecg", "type": { "coding": [ { "system": "http://snomed.info/sct", "code": "706767009" } ] }, "location": { "reference": "Location/loc-denver" } }"""),
            "equipment", """[ { "id": "dev-ecg", "facility": "loc-denver", "kind": "706767009", "count": 1 } ]"""),
        ["availability of a role without a location, in the only facility"] = (e => Resource(e, "role-kim").Remove("location"), "providers[1].availability[0].facility", "\"loc-denver\""),
        ["availability at a room, in its facility"] = (e => Edit(e, "role-kim", "location", """[ { "reference": "Location/room-echo" } ]"""), "providers[1].availability[0].facility", "\"loc-denver\""),
        ["skills of two roles, once each"] = (e => Add(e, """{ "resourceType": "PractitionerRole", "id": "role-kim-2", "practitioner": { "reference": "Practitioner/prac-kim" }, "specialty": [ { "coding": [ { "code": "394579002" }, { "code": "419772000" } ] } ] }"""),
            "providers[1].skills", """["394579002", "419772000"]"""),
        ["a provider's daily cap"] = (e => Extend(Resource(e, "prac-kim"), $$"""{ "url": "{{Sd}}daily-cap", "valueInteger": 6 }"""), "providers[1].dailyCap", "6"),
        ["time off of a role's schedule"] = (e =>
            {
                Add(e, """{ "resourceType": "Schedule", "id": "sched-kim", "actor": [ { "reference": "PractitionerRole/role-kim" } ] }""");
                Add(e, """{ "resourceType": "Slot", "id": "slot-kim", "schedule": { "reference": "Schedule/sched-kim" }, "status": "busy-unavailable", "start": "2026-12-08T09:00:00-07:00", "end": "2026-12-08T11:00:00-07:00" }""");
                Add(e, """{ "resourceType": "Slot", "id": "slot-kim-busy", "schedule": { "reference": "Schedule/sched-kim" }, "status": "busy", "start": "2026-12-09T09:00:00-07:00", "end": "2026-12-09T11:00:00-07:00" }""");
            }, "providers[1].timeOff", """[ { "from": "2026-12-08T16:00:00+00:00", "to": "2026-12-08T18:00:00+00:00" } ]"""),
        ["a patient's absence on their schedule"] = (e =>
            {
                Add(e, """{ "resourceType": "Schedule", "id": "sched-pat-2", "actor": [ { "reference": "Patient/pat-2" } ] }""");
                Add(e, """{ "resourceType": "Slot", "id": "slot-pat-2", "schedule": { "reference": "Schedule/sched-pat-2" }, "status": "busy-unavailable", "start": "2026-12-08T00:00:00+05:45", "end": "2026-12-09T00:00:00+05:45" }""");
            }, "patients[1].unavailable", """[ { "from": "2026-12-07T18:15:00+00:00", "to": "2026-12-08T18:15:00+00:00" } ]"""),
        ["a patient's zone"] = (e => Extend(Resource(e, "pat-2"), """{ "url": "http://hl7.org/fhir/StructureDefinition/timezone", "valueCode": "Asia/Kathmandu" }"""), "patients[1].timeZone", "\"Asia/Kathmandu\""),
        ["a patient's whole days"] = (e => Zoned(e, "pat-2", $$"""{ "url": "{{Sd}}available-time", "extension": [ { "url": "daysOfWeek", "valueCode": "sat" }, { "url": "daysOfWeek", "valueCode": "sun" }, { "url": "allDay", "valueBoolean": true } ] }"""),
            "patients[1].hours", """[ { "days": [ "Sat", "Sun" ], "from": "00:00", "to": "24:00" } ]"""),
        ["a patient's evening to 23:59:59"] = (e => Zoned(e, "pat-2", $$"""{ "url": "{{Sd}}available-time", "extension": [ { "url": "daysOfWeek", "valueCode": "mon" }, { "url": "availableStartTime", "valueTime": "18:30:00" }, { "url": "availableEndTime", "valueTime": "23:59:59" } ] }"""),
            "patients[1].hours", """[ { "days": [ "Mon" ], "from": "18:30", "to": "24:00" } ]"""),
        ["a patient's GP as a role"] = (e => Edit(e, "pat-1", "generalPractitioner", """[ { "reference": "PractitionerRole/role-kim" } ]"""), "patients[0].previousProvider", "\"prac-kim\""),
        ["a patient's GP as a practitioner"] = (e => Edit(e, "pat-1", "generalPractitioner", """[ { "reference": "Practitioner/prac-ortiz" } ]"""), "patients[0].previousProvider", "\"prac-ortiz\""),
        ["a service's equipment and buffer"] = (e =>
            {
                Resource(e, "consult")["characteristic"]!.AsArray().Add(Json($$"""{ "coding": [ { "system": "{{Kind}}equipment-kind", "code": "ecg" } ] }"""));
                Extend(Resource(e, "consult"), $$"""{ "url": "{{Sd}}buffer", "valueDuration": { "value": 10, "code": "min" } }""");
                Add(e, $$"""{ "resourceType": "Device", "id": "dev-ecg", "type": { "coding": [ { "system": "{{Kind}}equipment-kind", "code": "ecg" } ] }, "location": { "reference": "Location/loc-denver" } }""");
            }, "appointmentTypes[0]", """{ "id": "consult", "durationMinutes": 30, "providerSkill": "419772000", "roomFeatures": [ "exam" ], "bufferMinutes": 10, "equipment": [ "ecg" ] }"""),
        ["a duration in hours by its unit"] = (e => Resource(e, "consult")["extension"]![0]!["valueDuration"] = Json("""{ "value": 2, "unit": "h" }"""), "appointmentTypes[0].durationMinutes", "120"),
        ["an activity's skill only from its practitioner"] = (e => Resource(e, "echo")["participant"]!.AsArray().Insert(0, Json("""{ "type": "device", "role": { "coding": [ { "code": "ultrasound" } ] } }""")),
            "appointmentTypes[1].providerSkill", "\"394579002\""),
        ["a type by an activity's code"] = (e =>
            {
                Resource(e, "sr-echo").Remove("instantiatesCanonical");
                Edit(e, "sr-echo", "code", """{ "coding": [ { "system": "https://ehr.example.org/visit-type", "code": "echo" } ] }""");
            }, "requests[1].type", "\"echo\""),
        ["a type by a relative canonical"] = (e => Edit(e, "sr-echo", "instantiatesCanonical", """[ "ActivityDefinition/echo" ]"""), "requests[1].type", "\"echo\""),
        ["a type among a service's several codings"] = (e => Resource(e, "consult")["type"]!.AsArray().Insert(0, Json("""{ "coding": [ { "system": "https://other.example.org/visit-type", "code": "consult" } ] }""")), "requests[0].type", "\"consult\""),
        ["the first of two services of one code"] = (e => Add(e, """{ "resourceType": "HealthcareService", "id": "consult-b", "characteristic": [ { "coding": [ { "code": "exam" } ] } ], "type": [ { "coding": [ { "system": "https://ehr.example.org/visit-type", "code": "consult" } ] } ], "extension": [ { "url": "https://medcoord.dev/fhir/StructureDefinition/duration", "valueDuration": { "value": 20, "code": "min" } } ] }"""),
            "requests[0].type", "\"consult\""),
        ["a stat request"] = (e => Resource(e, "sr-consult-1")["priority"] = "stat", "requests[0].priority", "100"),
        ["a request without a priority"] = (e => Resource(e, "sr-consult-2").Remove("priority"), "requests[2].priority", "1"),
        ["a request's own weight"] = (e => Extend(Resource(e, "sr-consult-2"), $$"""{ "url": "{{Sd}}priority-weight", "valueInteger": 7 }"""), "requests[2].priority", "7"),
        ["a one-day window"] = (e =>
            {
                Resource(e, "sr-consult-2").Remove("occurrencePeriod");
                Resource(e, "sr-consult-2")["occurrenceDateTime"] = "2026-12-09T15:00:00-07:00";
            }, "requests[2]", """{ "id": "sr-consult-2", "patient": "pat-2", "type": "consult", "earliest": "2026-12-09", "latest": "2026-12-09", "priority": 10, "preferredProvider": "prac-ortiz" }"""),
        ["an open window"] = (e => Edit(e, "sr-consult-2", "occurrencePeriod", """{ "end": "2026-12-10" }"""), "requests[2].earliest", "null"),
        ["a request's own duration"] = (e => Extend(Resource(e, "sr-consult-2"), $$"""{ "url": "{{Sd}}duration", "valueDuration": { "value": 45, "code": "min" } }"""), "requests[2].durationMinutes", "45"),
        ["a performer as a role"] = (e => Resource(e, "sr-consult-2")["performer"]![0]!["reference"] = "PractitionerRole/role-kim", "requests[2].preferredProvider", "\"prac-kim\""),
        ["a request following another"] = (e =>
            {
                Extend(Resource(e, "sr-consult-2"), $$"""{ "url": "{{Sd}}follows", "extension": [ { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-echo" } }, { "url": "minGapMinutes", "valueInteger": 60 }, { "url": "maxGapMinutes", "valueInteger": 2880 } ] }""");
                Extend(Resource(e, "sr-consult-2"), $$"""{ "url": "{{Sd}}follows", "extension": [ { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-consult-1" } } ] }""");
            }, "requests[2].after", """[ { "request": "sr-echo", "minGapMinutes": 60, "maxGapMinutes": 2880 }, { "request": "sr-consult-1", "minGapMinutes": 0, "maxGapMinutes": null } ]"""),
        ["a booking at its facility, by a practitioner"] = (e =>
            {
                Resource(e, "appt-1001")["participant"]![1]!["actor"]!["reference"] = "Practitioner/prac-ortiz";
                Resource(e, "appt-1001")["participant"]!.AsArray().Add(Json("""{ "actor": { "reference": "Location/loc-denver" }, "status": "accepted" }"""));
                Resource(e, "appt-1001")["participant"]!.AsArray().Add(Json("""{ "type": [ { "text": "interpreter" } ], "status": "accepted" }"""));
            }, "fixed", """[ { "request": "sr-consult-1", "provider": "prac-ortiz", "room": "room-exam-1", "start": "2026-12-07T17:00:00+00:00", "facility": "loc-denver" } ]"""),
        ["a booking already arrived"] = (e => Resource(e, "appt-1001")["status"] = "arrived", "fixed[0].request", "\"sr-consult-1\""),
        ["a proposed appointment"] = (e => Resource(e, "appt-1001")["status"] = "proposed", "fixed", "[]"),
        ["an appointment the solver made"] = (e => Extend(Resource(e, "appt-1001"), $$"""{ "url": "{{Sd}}solver-assignment", "valueBoolean": true }"""), "fixed", "[]"),
        ["the problem's horizon"] = (e => Problem(e, $$"""{ "url": "{{Sd}}horizon", "valuePeriod": { "start": "2026-12-06", "end": "2026-12-12" } }"""), "horizon", """{ "start": "2026-12-06", "end": "2026-12-12" }"""),
        ["a horizon of the request windows"] = (e => Resource(e, "sched-exam-1").Remove("planningHorizon"), "horizon", """{ "start": "2026-12-07", "end": "2026-12-11" }"""),
        ["a series with its defaults"] = (e => Problem(e, $$"""{ "url": "{{Sd}}series", "extension": [ { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-echo" } }, { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-consult-2" } }, { "url": "intervalDays", "valueInteger": 2 } ] }"""),
            "series", """[ { "id": "series-1", "requests": [ "sr-echo", "sr-consult-2" ], "intervalDays": 2, "toleranceMinutes": 0, "sameProvider": true } ]"""),
        ["a series in full"] = (e => Problem(e, $$"""{ "url": "{{Sd}}series", "extension": [ { "url": "id", "valueString": "rehab" }, { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-echo" } }, { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-consult-2" } }, { "url": "intervalDays", "valueInteger": 2 }, { "url": "toleranceMinutes", "valueInteger": 30 }, { "url": "sameProvider", "valueBoolean": false } ] }"""),
            "series", """[ { "id": "rehab", "requests": [ "sr-echo", "sr-consult-2" ], "intervalDays": 2, "toleranceMinutes": 30, "sameProvider": false } ]"""),
        ["solve options"] = (e => Problem(e, $$"""{ "url": "{{Sd}}solve-options", "extension": [ { "url": "timeLimitSeconds", "valueDecimal": 2.5 }, { "url": "workers", "valueInteger": 3 }, { "url": "seed", "valueInteger": 11 }, { "url": "conservative", "valueBoolean": true }, { "url": "softRules", "extension": [ { "url": "continuityWeight", "valueInteger": 4 }, { "url": "dailyCapWeight", "valueInteger": 5 }, { "url": "dailyCap", "valueInteger": 6 }, { "url": "balanceWeight", "valueInteger": 7 } ] } ] }"""),
            "options", """{ "timeLimitSeconds": 2.5, "workers": 3, "seed": 11, "conservative": true, "softRules": { "continuityWeight": 4, "dailyCapWeight": 5, "dailyCap": 6, "balanceWeight": 7 } }"""),
        ["ids from MedCoord identifiers, uuids and entries"] = (e =>
            {
                Extend(Resource(e, "pat-1"), """{ "url": "http://example.org/unused", "valueString": "x" }""");
                Resource(e, "pat-1")["identifier"] = Json("""[ { "system": "http://hospital.example/mrn", "value": "MRN-1" }, { "system": "https://medcoord.dev/fhir/id/patient", "value": "patient one" } ]""");
                Add(e, """{ "resourceType": "Patient", "active": true }""", "urn:uuid:6f1c2a9e-0c7d-4b8e-9a51-3f2d8e4c7b10");
                Add(e, """{ "resourceType": "Patient", "active": true }""");
            }, "patients", """[ { "id": "patient one" }, { "id": "pat-2" }, { "id": "6f1c2a9e-0c7d-4b8e-9a51-3f2d8e4c7b10" }, { "id": "entry-18" } ]"""),
    };

    public static TheoryData<string> ReadNames() => [.. Reads.Keys];

    [Theory]
    [MemberData(nameof(ReadNames))]
    public void Import_AnEhrsWayOfWritingIt_GivesThisPartOfTheProblem(string read)
    {
        var (edit, path, expected) = Reads[read];
        var imported = SchedulingBundle.Import(Edited(edit));

        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));
        var actual = At(JsonNode.Parse(ProblemFile.Serialize(imported.Problem!)), path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"{path}: {actual?.ToJsonString() ?? "null"}");
    }

    [Fact]
    public void Import_KeepsTheIdsOfRolesAndOfTheSchedulesOfRoomsProvidersAndPatients()
    {
        var imported = SchedulingBundle.Import(Edited(e =>
        {
            Add(e, """{ "resourceType": "PractitionerRole", "id": "role-kim-on-call", "practitioner": { "reference": "Practitioner/prac-kim" } }""");
            Add(e, """{ "resourceType": "Schedule", "id": "sched-kim", "actor": [ { "reference": "PractitionerRole/role-kim" } ] }""");
            Add(e, """{ "resourceType": "Schedule", "id": "sched-pat-2", "actor": [ { "reference": "Patient/pat-2" } ] }""");
            Add(e, """{ "resourceType": "Schedule", "id": "sched-clinic", "actor": [ { "reference": "Location/loc-denver" } ] }""");
        }));

        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));
        Assert.Equal(
            [("prac-kim|", "role-kim-on-call"), ("prac-kim|loc-denver", "role-kim"), ("prac-ortiz|loc-denver", "role-ortiz")],
            imported.ResourceIds.Roles.Select(r => (r.Key, r.Value)).Order());
        Assert.Equal(
            [("patient|pat-2", "sched-pat-2"), ("provider|prac-kim", "sched-kim"), ("room|room-exam-1", "sched-exam-1")],
            imported.ResourceIds.Schedules.Select(r => (r.Key, r.Value)).Order());
        Assert.Equal([("sr-consult-1", "appt-1001")], imported.ResourceIds.Appointments.Select(r => (r.Key, r.Value)));
    }

    [Theory]
    [InlineData("24:00:00", "24:00")]
    [InlineData("23:59:59", "24:00")]
    [InlineData("23:59", "23:59")]
    public void Import_AnEndOfDay_WrittenAsAModelWouldHoldIt_IsMidnight(string end, string expected)
    {
        var bundle = Edited(_ => { });
        var role = bundle.Entry.Select(x => x.Resource).OfType<Hl7.Fhir.Model.PractitionerRole>().Single(r => r.Id == "role-kim");
        role.AvailableTime[0].AvailableEndTime = end;

        var imported = SchedulingBundle.Import(bundle);

        Assert.True(imported.Errors.Count == 0, string.Join("\n", imported.Errors));
        Assert.Equal($"\"{expected}\"", At(JsonNode.Parse(ProblemFile.Serialize(imported.Problem!)), "providers[1].availability[0].to")!.ToJsonString());
    }

    [Theory]
    [InlineData("24:00:01")]
    [InlineData("24:01:00")]
    [InlineData("23:59:58")]
    public void Import_AnEndPastMidnight_IsRefused(string end)
    {
        var bundle = Edited(_ => { });
        bundle.Entry.Select(x => x.Resource).OfType<Hl7.Fhir.Model.PractitionerRole>().Single(r => r.Id == "role-kim").AvailableTime[0].AvailableEndTime = end;

        Assert.Equal(
            [$"PractitionerRole/role-kim at PractitionerRole.availableTime[0].availableEndTime: not a time on the minute '{end}' (HH:MM:00; 23:59:59 as an end stands for 24:00)"],
            SchedulingBundle.Import(bundle).Errors.Select(e => e.ToString()));
    }

    /// <summary>The node at a path such as <c>requests[2].after</c>; null when it is absent.</summary>
    private static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            var name = part.Split('[')[0];
            node = node?[name];
            if (part.Contains('['))
            {
                node = node?[int.Parse(part[(part.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)];
            }
        }

        return node;
    }
}
