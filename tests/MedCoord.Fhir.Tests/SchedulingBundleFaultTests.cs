using System.Text.Json.Nodes;
using MedCoord.Fhir.Scheduling;
using Xunit;
using static MedCoord.Fhir.Tests.EhrBundle;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// Each fault an EHR's scheduling bundle can hold, made by one edit of the hand-written EHR bundle: the import refuses it
/// with exactly one line naming the resource, the FHIRPath and what is wrong.
/// </summary>
public sealed class SchedulingBundleFaultTests
{
    private const string Sd = "https://medcoord.dev/fhir/StructureDefinition/";

    private static readonly Dictionary<string, (Action<JsonArray> Edit, string Error)> Faults = new()
    {
        ["an entry without a resource"] = (e => e.Add(Json("""{ "fullUrl": "urn:uuid:0b5e2c7e-1d1c-4a53-9d77-5a4a6f1e2d10" }""")),
            "Bundle.entry[17]: the entry holds no resource"),
        ["a Basic that is not the problem"] = (e => Add(e, """{ "resourceType": "Basic", "id": "b1", "code": { "text": "note" } }"""),
            "Basic/b1 at Basic: resource type Basic is not part of a scheduling problem (accepted: ActivityDefinition, Appointment, Basic, Device, HealthcareService, Location, Patient, Practitioner, PractitionerRole, Schedule, ServiceRequest, Slot; a Basic only with code https://medcoord.dev/fhir/CodeSystem/resource-kind|scheduling-problem)"),
        ["two patients with one id"] = (e => Add(e, """{ "resourceType": "Patient", "id": "pat-1" }"""),
            "Patient/pat-1 at Patient.id: another Patient in the bundle has the id 'pat-1'"),
        ["a request whose subject is only a name"] = (e => Resource(e, "sr-consult-1")["subject"] = Json("""{ "display": "walk-in" }"""),
            "ServiceRequest/sr-consult-1 at ServiceRequest.subject: missing reference (expected Patient)"),
        ["a zone that is not a code"] = (e => Resource(e, "loc-denver")["extension"]![0] = Json("""{ "url": "http://hl7.org/fhir/StructureDefinition/timezone", "valueInteger": 7 }"""),
            "Location/loc-denver at Location.extension('http://hl7.org/fhir/StructureDefinition/timezone').value: the time zone is not a code"),
        ["a partOf cycle"] = (e =>
            {
                Add(e, """{ "resourceType": "Location", "id": "wing-a", "partOf": { "reference": "Location/wing-b" } }""");
                Add(e, """{ "resourceType": "Location", "id": "wing-b", "partOf": { "reference": "Location/wing-a" } }""");
            },
            "Location/wing-a at Location.partOf: the partOf chain is a cycle\nLocation/wing-b at Location.partOf: the partOf chain is a cycle"),
        ["a capacity that is not whole"] = (e => Extend(Resource(e, "room-echo"), $$"""{ "url": "{{Sd}}capacity", "valueString": "two" }"""),
            $"Location/room-echo at Location.extension('{Sd}capacity').value: the capacity is not a whole number"),
        ["a pool without its kind"] = (e => Add(e, """{ "resourceType": "Device", "id": "dev-1", "location": { "reference": "Location/loc-denver" } }"""),
            "Device/dev-1 at Device.type: an equipment pool needs its kind (a coding)"),
        ["a pool count that is not whole"] = (e => Add(e, $$"""{ "resourceType": "Device", "id": "dev-1", "type": { "coding": [ { "code": "ecg" } ] }, "location": { "reference": "Location/loc-denver" }, "extension": [ { "url": "{{Sd}}pool-count", "valueDecimal": 1.5 } ] }"""),
            $"Device/dev-1 at Device.extension('{Sd}pool-count').value: the count is not a whole number"),
        ["availability in two places"] = (e => Resource(e, "role-kim")["location"]!.AsArray().Add(Json("""{ "reference": "Location/room-echo" }""")),
            "PractitionerRole/role-kim at PractitionerRole.location: availableTime needs exactly one location to say where it applies, found 2"),
        ["time off without its period"] = (e => Resource(e, "role-ortiz")["notAvailable"]![0]!.AsObject().Remove("during"),
            "PractitionerRole/role-ortiz at PractitionerRole.notAvailable[0].during: time off needs its period (start and end with an offset)"),
        ["time off ending as it starts"] = (e => Resource(e, "role-ortiz")["notAvailable"]![0]!["during"]!["end"] = "2026-12-10T00:00:00-07:00",
            "PractitionerRole/role-ortiz at PractitionerRole.notAvailable[0].during.end: the period must end after it starts"),
        ["time off without its end"] = (e => Resource(e, "role-ortiz")["notAvailable"]![0]!["during"]!.AsObject().Remove("end"),
            "PractitionerRole/role-ortiz at PractitionerRole.notAvailable[0].during.end: missing date-time"),
        ["a daily cap that is not whole"] = (e => Extend(Resource(e, "prac-kim"), $$"""{ "url": "{{Sd}}daily-cap", "valueString": "8" }"""),
            $"Practitioner/prac-kim at Practitioner.extension('{Sd}daily-cap').value: the daily cap is not a whole number"),
        ["a patient's day that is not a day"] = (e => Extend(Resource(e, "pat-1"), $$"""{ "url": "{{Sd}}available-time", "extension": [ { "url": "daysOfWeek", "valueCode": "someday" }, { "url": "allDay", "valueBoolean": true } ] }"""),
            $"Patient/pat-1 at Patient.extension('{Sd}available-time')[0].extension('daysOfWeek'): not a day of the week: 'someday' (mon … sun)\nPatient/pat-1 at Patient.extension('{Sd}available-time')[0].daysOfWeek: a weekly block needs at least one day of the week"),
        ["a patient's time that is not a time"] = (e => Extend(Resource(e, "pat-1"), $$"""{ "url": "{{Sd}}available-time", "extension": [ { "url": "daysOfWeek", "valueCode": "mon" }, { "url": "availableStartTime", "valueTime": "09:00:00" } ] }"""),
            $"Patient/pat-1 at Patient.extension('{Sd}available-time')[0].extension('availableEndTime'): missing time (give both times, or allDay)"),
        ["a service with two skills"] = (e => Resource(e, "consult")["specialty"]!.AsArray().Add(Json("""{ "coding": [ { "system": "http://snomed.info/sct", "code": "394579002" } ] }""")),
            "HealthcareService/consult at HealthcareService.specialty: an appointment type needs at most one provider skill, found 2"),
        ["a service without its duration"] = (e => Resource(e, "consult").Remove("extension"),
            $"HealthcareService/consult at HealthcareService.extension('{Sd}duration'): an appointment type needs its duration (the duration extension, a Duration in minutes)"),
        ["a service duration in seconds"] = (e => Resource(e, "consult")["extension"]![0]!["valueDuration"] = Json("""{ "value": 1800, "unit": "s", "system": "http://unitsofmeasure.org", "code": "s" }"""),
            $"HealthcareService/consult at HealthcareService.extension('{Sd}duration').value: not a whole number of minutes (a Duration with code 'min' or 'h')"),
        ["a fractional duration"] = (e => Resource(e, "echo")["timingDuration"]!["value"] = 1.5,
            "ActivityDefinition/echo at ActivityDefinition.timing.ofType(Duration): not a whole number of minutes (a Duration with code 'min' or 'h')"),
        ["an activity with two skills"] = (e => Resource(e, "echo")["participant"]!.AsArray().Add(Json("""{ "type": "practitioner", "role": { "coding": [ { "code": "419772000" } ] } }""")),
            "ActivityDefinition/echo at ActivityDefinition.participant: an appointment type needs at most one provider skill, found 2"),
        ["an activity without its timing"] = (e => Resource(e, "echo").Remove("timingDuration"),
            "ActivityDefinition/echo at ActivityDefinition.timing: an appointment type needs its duration (timingDuration, in minutes)"),
        ["a buffer that is not minutes"] = (e => Extend(Resource(e, "consult"), $$"""{ "url": "{{Sd}}buffer", "valueDuration": { "value": 5, "code": "d" } }"""),
            $"HealthcareService/consult at HealthcareService.extension('{Sd}buffer').value: not a whole number of minutes (a Duration with code 'min' or 'h')"),
        ["a request of no known code"] = (e => Resource(e, "sr-consult-1")["code"]!["coding"]![0]!["code"] = "surgery",
            "ServiceRequest/sr-consult-1 at ServiceRequest.code: names no appointment type in the bundle (a HealthcareService.type or ActivityDefinition.code coding, or an ActivityDefinition's canonical)"),
        ["a request of a code from another system"] = (e => Resource(e, "sr-consult-1")["code"]!["coding"]![0]!["system"] = "https://other.example.org/visit-type",
            "ServiceRequest/sr-consult-1 at ServiceRequest.code: names no appointment type in the bundle (a HealthcareService.type or ActivityDefinition.code coding, or an ActivityDefinition's canonical)"),
        ["a request of no known canonical"] = (e => Resource(e, "sr-echo")["instantiatesCanonical"]![0] = "https://ehr.example.org/fhir/ActivityDefinition/mri",
            "ServiceRequest/sr-echo at ServiceRequest.instantiatesCanonical: names no appointment type in the bundle (a HealthcareService.type or ActivityDefinition.code coding, or an ActivityDefinition's canonical)"),
        ["a window that is a timing"] = (e =>
            {
                Resource(e, "sr-consult-2").Remove("occurrencePeriod");
                Resource(e, "sr-consult-2")["occurrenceTiming"] = Json("""{ "event": [ "2026-12-08" ] }""");
            },
            "ServiceRequest/sr-consult-2 at ServiceRequest.occurrence: the window must be an occurrencePeriod (or an occurrenceDateTime for one date)"),
        ["a window starting in a year"] = (e => Resource(e, "sr-consult-2")["occurrencePeriod"]!["start"] = "2026",
            "ServiceRequest/sr-consult-2 at ServiceRequest.occurrence.ofType(Period).start: not a date (YYYY-MM-DD, or a date-time whose date is read as written)"),
        ["a window ending in a month"] = (e => Resource(e, "sr-consult-2")["occurrencePeriod"]!["end"] = "2026-12",
            "ServiceRequest/sr-consult-2 at ServiceRequest.occurrence.ofType(Period).end: not a date (YYYY-MM-DD, or a date-time whose date is read as written)"),
        ["a one-day window in a month"] = (e =>
            {
                Resource(e, "sr-consult-2").Remove("occurrencePeriod");
                Resource(e, "sr-consult-2")["occurrenceDateTime"] = "2026-12";
            },
            "ServiceRequest/sr-consult-2 at ServiceRequest.occurrence.ofType(dateTime): not a date (YYYY-MM-DD, or a date-time whose date is read as written)"),
        ["a priority weight that is not whole"] = (e => Extend(Resource(e, "sr-consult-2"), $$"""{ "url": "{{Sd}}priority-weight", "valueDecimal": 2.5 }"""),
            $"ServiceRequest/sr-consult-2 at ServiceRequest.extension('{Sd}priority-weight').value: the priority weight is not a whole number"),
        ["a request duration that is not minutes"] = (e => Extend(Resource(e, "sr-consult-2"), $$"""{ "url": "{{Sd}}duration", "valueInteger": 45 }"""),
            $"ServiceRequest/sr-consult-2 at ServiceRequest.extension('{Sd}duration').value: not a whole number of minutes (a Duration with code 'min' or 'h')"),
        ["a performer that is a patient"] = (e => Resource(e, "sr-consult-2")["performer"]![0]!["reference"] = "Patient/pat-1",
            "ServiceRequest/sr-consult-2 at ServiceRequest.performer[0]: reference 'Patient/pat-1' is a Patient, expected Practitioner or PractitionerRole"),
        ["a link to no request"] = (e => Extend(Resource(e, "sr-consult-2"), $$"""{ "url": "{{Sd}}follows", "extension": [ { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-gone" } } ] }"""),
            $"ServiceRequest/sr-consult-2 at ServiceRequest.extension('{Sd}follows')[0].extension('request').value: reference 'ServiceRequest/sr-gone' names no resource in the bundle"),
        ["a booking without its start"] = (e => Resource(e, "appt-1001").Remove("start"),
            "Appointment/appt-1001 at Appointment.start: a booked appointment needs its start"),
        ["a booking of a missing room"] = (e => Resource(e, "appt-1001")["participant"]![2]!["actor"]!["reference"] = "Location/room-9",
            "Appointment/appt-1001 at Appointment.participant[2].actor: reference 'Location/room-9' names no resource in the bundle"),
        ["a slot ending as it starts"] = (e => Resource(e, "slot-exam-1-cleaning")["end"] = "2026-12-07T08:00:00-07:00",
            "Slot/slot-exam-1-cleaning at Slot.end: a busy-unavailable slot needs a start and a later end"),
        ["a schedule of no actor"] = (e => Resource(e, "sched-exam-1")["actor"]![0]!["reference"] = "Location/room-9",
            "Schedule/sched-exam-1 at Schedule.actor[0]: reference 'Location/room-9' names no resource in the bundle"),
        ["a horizon ending before it starts"] = (e => Resource(e, "sched-exam-1")["planningHorizon"]!["end"] = "2026-12-06",
            "Schedule/sched-exam-1 at Schedule.planningHorizon.end: the horizon ends before it starts"),
        ["a horizon without its start"] = (e => Resource(e, "sched-exam-1")["planningHorizon"]!.AsObject().Remove("start"),
            "Schedule/sched-exam-1 at Schedule.planningHorizon.start: not a date (YYYY-MM-DD, or a date-time whose date is read as written)"),
        ["no horizon at all"] = (e =>
            {
                Resource(e, "sched-exam-1").Remove("planningHorizon");
                foreach (var id in new[] { "sr-consult-1", "sr-echo", "sr-consult-2" })
                {
                    Resource(e, id).Remove("occurrencePeriod");
                }
            },
            "Bundle: no horizon: give it as a Basic (https://medcoord.dev/fhir/CodeSystem/resource-kind|scheduling-problem) with the horizon extension, a Schedule.planningHorizon, or request windows"),
        ["opening hours without a day"] = (e => Resource(e, "loc-denver")["hoursOfOperation"]![0]!.AsObject().Remove("daysOfWeek"),
            "Location/loc-denver at Location.hoursOfOperation[0].daysOfWeek: a weekly block needs at least one day of the week"),
        ["opening hours with fractions of a second"] = (e => Resource(e, "loc-denver")["hoursOfOperation"]![0]!["openingTime"] = "08:00:00.5",
            "Location/loc-denver at Location.hoursOfOperation[0].openingTime: not a time on the minute '08:00:00.5' (HH:MM:00; 23:59:59 as an end stands for 24:00)"),
        ["availability starting at 23:59:59"] = (e => Resource(e, "role-kim")["availableTime"]![0]!["availableStartTime"] = "23:59:59",
            "PractitionerRole/role-kim at PractitionerRole.availableTime[0].availableStartTime: not a time on the minute '23:59:59' (HH:MM:00; 23:59:59 as an end stands for 24:00)"),
        ["a patient's hours ending before they start"] = (e => Extend(Resource(e, "pat-1"), $$"""{ "url": "{{Sd}}available-time", "extension": [ { "url": "daysOfWeek", "valueCode": "mon" }, { "url": "availableStartTime", "valueTime": "10:00:00" }, { "url": "availableEndTime", "valueTime": "10:00:00" } ] }"""),
            $"Patient/pat-1 at Patient.extension('{Sd}available-time')[0].extension('availableEndTime'): the block must end after it starts (10:00:00 to 10:00:00)"),
        ["a problem's series without its interval"] = (e => Add(e, $$"""{ "resourceType": "Basic", "id": "problem", "code": { "coding": [ { "system": "https://medcoord.dev/fhir/CodeSystem/resource-kind", "code": "scheduling-problem" } ] }, "extension": [ { "url": "{{Sd}}series", "extension": [ { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-consult-1" } } ] } ] }"""),
            $"Basic/problem at Basic.extension('{Sd}series')[0].extension('intervalDays'): a series needs its interval in days (an integer)"),
        ["a problem's series of no request"] = (e => Add(e, $$"""{ "resourceType": "Basic", "id": "problem", "code": { "coding": [ { "system": "https://medcoord.dev/fhir/CodeSystem/resource-kind", "code": "scheduling-problem" } ] }, "extension": [ { "url": "{{Sd}}series", "extension": [ { "url": "request", "valueReference": { "reference": "ServiceRequest/sr-consult-1" } }, { "url": "request", "valueReference": { "reference": "Patient/pat-1" } }, { "url": "intervalDays", "valueInteger": 7 } ] } ] }"""),
            $"Basic/problem at Basic.extension('{Sd}series')[0].extension('request')[1].value: reference 'Patient/pat-1' is a Patient, expected ServiceRequest"),
        ["a problem's horizon that is not a period"] = (e => Add(e, $$"""{ "resourceType": "Basic", "id": "problem", "code": { "coding": [ { "system": "https://medcoord.dev/fhir/CodeSystem/resource-kind", "code": "scheduling-problem" } ] }, "extension": [ { "url": "{{Sd}}horizon", "valueDate": "2026-12-07" } ] }"""),
            $"Basic/problem at Basic.extension('{Sd}horizon').value.start: not a date (YYYY-MM-DD, or a date-time whose date is read as written)\nBasic/problem at Basic.extension('{Sd}horizon').value.end: not a date (YYYY-MM-DD, or a date-time whose date is read as written)"),
        ["a resource without an id named by its entry"] = (e => Add(e, """{ "resourceType": "Device", "location": { "reference": "Location/loc-denver" } }"""),
            "Device (Bundle.entry[17]) at Device.type: an equipment pool needs its kind (a coding)"),
    };

    public static TheoryData<string> FaultNames() => [.. Faults.Keys];

    [Theory]
    [MemberData(nameof(FaultNames))]
    public void Import_AFault_IsRefusedWithItsResourcePathAndReason(string fault)
    {
        var (edit, expected) = Faults[fault];
        var imported = SchedulingBundle.Import(Edited(edit));

        Assert.Null(imported.Problem);
        Assert.Equal(expected.Split('\n'), imported.Errors.Select(e => e.ToString()));
    }
}
