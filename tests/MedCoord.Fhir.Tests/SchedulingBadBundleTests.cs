using System.Text.Json.Nodes;
using MedCoord.Fhir.Scheduling;
using Xunit;
using static MedCoord.Fhir.Tests.EhrBundle;

namespace MedCoord.Fhir.Tests;

/// <summary>Bad bundles are refused with one error per fault, each naming the resource (type/id) and the FHIRPath of the fault.</summary>
public sealed class SchedulingBadBundleTests
{
    private const string Tz = "http://hl7.org/fhir/StructureDefinition/timezone";

    /// <summary>The errors of the EHR bundle with one change made to its JSON, read and imported.</summary>
    private static List<string> Errors(Action<JsonArray> mutate)
    {
        var root = JsonNode.Parse(File.ReadAllText(SchedulingTestData.Path("ehr-bundle.json")))!.AsObject();
        mutate(root["entry"]!.AsArray());
        return Errors(root.ToJsonString());
    }

    private static List<string> Errors(string json)
    {
        var parse = FhirJson.TryParseBundle(json, out var bundle);
        if (parse.Count > 0)
        {
            Assert.Null(bundle);
            return [.. parse.Select(e => e.ToString())];
        }

        var imported = SchedulingBundle.Import(bundle!);
        Assert.Equal(imported.Errors.Count == 0, imported.Problem is not null);
        return [.. imported.Errors.Select(e => e.ToString())];
    }

    [Fact]
    public void Import_TheEhrBundleUnchanged_HasNoErrors() => Assert.Empty(Errors(_ => { }));

    [Fact]
    public void Import_NotJson_IsRefused() =>
        Assert.Equal(["$ (line 1): not FHIR R4 JSON (malformed JSON)"], Errors("{ not json"));

    [Fact]
    public void Import_JsonThatIsNotFhir_IsRefused()
    {
        var errors = Errors("""{ "hello": "world" }""");

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Contains("not FHIR R4 JSON", e));
    }

    [Fact]
    public void Import_AResourceThatIsNotABundle_IsRefused() =>
        Assert.Equal(["$: a Patient, not a Bundle"], Errors("""{ "resourceType": "Patient", "id": "p1" }"""));

    [Fact]
    public void Import_AResourceOfAnotherType_IsRefusedByTypeAndId()
    {
        var errors = Errors(entries => entries.Add(JsonNode.Parse("""{ "resource": { "resourceType": "Observation", "id": "o1", "status": "final", "code": { "text": "x" } } }""")));

        var error = Assert.Single(errors);
        Assert.StartsWith("Observation/o1 at Observation: resource type Observation is not part of a scheduling problem (accepted: ActivityDefinition, Appointment, Basic, ", error);
    }

    [Fact]
    public void Import_ADanglingReference_NamesTheResourceAndPath() =>
        Assert.Equal(
            ["ServiceRequest/sr-consult-1 at ServiceRequest.subject: reference 'Patient/pat-9' names no resource in the bundle"],
            Errors(entries => Resource(entries, "sr-consult-1")["subject"]!["reference"] = "Patient/pat-9"));

    [Fact]
    public void Import_AReferenceToTheWrongType_NamesTheResourceAndPath() =>
        Assert.Equal(
            ["Location/room-echo at Location.partOf: reference 'Practitioner/prac-kim' is a Practitioner, expected Location"],
            Errors(entries => Resource(entries, "room-echo")["partOf"]!["reference"] = "Practitioner/prac-kim"));

    [Fact]
    public void Import_AFacilityWithoutItsZone_IsRefused() =>
        Assert.Equal(
            [$"Location/loc-denver at Location.extension('{Tz}'): a facility needs its time zone (the timezone extension, an IANA tzdb id)"],
            Errors(entries => Resource(entries, "loc-denver").Remove("extension")));

    [Fact]
    public void Import_AnUnknownZone_IsRefused() =>
        Assert.Equal(
            [$"Location/loc-denver at Location.extension('{Tz}').value: unknown time zone 'America/Atlantis' (an IANA tzdb id)"],
            Errors(entries => Resource(entries, "loc-denver")["extension"]![0]!["valueCode"] = "America/Atlantis"));

    [Fact]
    public void Import_AvailabilityOffTheMinute_IsRefused() =>
        Assert.Equal(
            ["PractitionerRole/role-ortiz at PractitionerRole.availableTime[0].availableStartTime: not a time on the minute '08:00:30' (HH:MM:00; 23:59:59 as an end stands for 24:00)"],
            Errors(entries => Resource(entries, "role-ortiz")["availableTime"]![0]!["availableStartTime"] = "08:00:30"));

    [Fact]
    public void Import_AvailabilityEndingBeforeItStarts_IsRefused() =>
        Assert.Equal(
            ["PractitionerRole/role-kim at PractitionerRole.availableTime[0].availableEndTime: the block must end after it starts (09:00:00 to 08:00:00)"],
            Errors(entries => Resource(entries, "role-kim")["availableTime"]![0]!["availableEndTime"] = "08:00:00"));

    [Fact]
    public void Import_AvailabilityWithoutItsEnd_IsRefused() =>
        Assert.Equal(
            ["PractitionerRole/role-kim at PractitionerRole.availableTime[0].availableEndTime: missing time (give both times, or allDay)"],
            Errors(entries => Resource(entries, "role-kim")["availableTime"]![0]!.AsObject().Remove("availableEndTime")));

    [Fact]
    public void Import_OpeningHoursThatAreNotATime_AreRefusedWhereTheParserFindsThem()
    {
        var error = Assert.Single(Errors(entries => Resource(entries, "loc-denver")["hoursOfOperation"]![0]!["openingTime"] = "25:00:00"));

        Assert.Contains("Bundle.entry[0].resource.hoursOfOperation[0].openingTime", error);
        Assert.Contains("not FHIR R4 JSON", error);
        Assert.DoesNotContain("25:00", error);
    }

    [Fact]
    public void Import_TimeOffWithoutAnOffset_IsRefused() =>
        Assert.Equal(
            ["PractitionerRole/role-ortiz at PractitionerRole.notAvailable[0].during.start: not a date-time with an offset '2026-12-10'"],
            Errors(entries => Resource(entries, "role-ortiz")["notAvailable"]![0]!["during"]!["start"] = "2026-12-10"));

    [Fact]
    public void Import_ARuleOfTheProblemFormatBroken_NamesTheResourceAndTheProblemPath()
    {
        var errors = Errors(entries => Resource(entries, "sr-echo")["occurrencePeriod"]!["end"] = "2026-12-07");

        var error = Assert.Single(errors);
        Assert.StartsWith("ServiceRequest/sr-echo as requests[1].latest: ", error);
    }

    [Fact]
    public void Import_ABookedAppointmentWithoutItsRequest_IsRefused() =>
        Assert.Equal(
            ["Appointment/appt-1001 at Appointment.basedOn: a booked appointment must name its ServiceRequest"],
            Errors(entries => Resource(entries, "appt-1001").Remove("basedOn")));

    [Fact]
    public void Import_ASlotOfAScheduleNotInTheBundle_IsRefused() =>
        Assert.Equal(
            ["Slot/slot-exam-1-cleaning at Slot.schedule: reference 'Schedule/elsewhere' names no resource in the bundle"],
            Errors(entries => Resource(entries, "slot-exam-1-cleaning")["schedule"]!["reference"] = "Schedule/elsewhere"));

    [Fact]
    public void Import_ManyFaults_ReportsEachOnItsOwnLine()
    {
        var errors = Errors(entries =>
        {
            Resource(entries, "loc-denver").Remove("extension");
            Resource(entries, "sr-consult-1")["subject"]!["reference"] = "Patient/pat-9";
        });

        Assert.Equal(2, errors.Count);
    }
}
