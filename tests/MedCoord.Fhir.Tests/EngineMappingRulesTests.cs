#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Engine;
using MedCoord.Engine.Audit;
using MedCoord.Engine.CarePlans;
using EngineCarePlan = MedCoord.Engine.CarePlans.CarePlan;
using Xunit;
using static System.FormattableString;
using static MedCoord.Fhir.Tests.BundleReading;
using static MedCoord.Fhir.Tests.EngineRecordsFixture;
using Consent = MedCoord.Engine.Visits.Consent;
using Duration = NodaTime.Duration;
using FhirTask = Hl7.Fhir.Model.Task;

namespace MedCoord.Fhir.Tests;

/// <summary>The engine export's rules one by one, each on records made for it: what each field of a resource holds, by the record's state.</summary>
public sealed class EngineMappingRulesTests
{
    private static readonly EngineRecords None = new(T0, [], [], [], [], [], [], [], []);

    private static Bundle Export(EngineRecords records, IReadOnlyList<AuditEntry> trail = null) => EngineBundle.Export(records, trail ?? []);

    [Fact]
    public void Consent_ScopeStatusAndPeriod_FollowTheRecord()
    {
        var records = None with
        {
            Consents =
            [
                new("c-adr", "pat-a", "adr", T0 - Duration.FromDays(1), null, null),
                new("c-privacy", "pat-a", "privacy", T0 - Duration.FromDays(1), T0 + Duration.FromDays(10), null),
                new("c-future", "pat-a", "patient-privacy", T0 + Duration.FromDays(1), null, null),
                new("c-research", "pat-a", "research", T0 - Duration.FromDays(10), T0 - Duration.FromDays(2), T0 - Duration.FromDays(5)),
                new("c-revoked", "pat-a", "telehealth", T0 - Duration.FromDays(10), T0 + Duration.FromDays(2), T0),
                new("c-now", "pat-a", "treatment", T0, T0 + Duration.FromDays(2), T0 + Duration.FromDays(1)),
            ],
        };
        var bundle = Export(records);

        Assert.Equal(
            [
                "c-adr Active adr 'adr' [http://loinc.org|59284-0, urn:medcoord:code:consent-scope|adr] 2026-12-06T15:00:00Z..-",
                "c-privacy Active patient-privacy 'privacy' [http://loinc.org|59284-0, urn:medcoord:code:consent-scope|privacy] 2026-12-06T15:00:00Z..2026-12-17T15:00:00Z",
                "c-future Proposed patient-privacy 'patient-privacy' [http://loinc.org|59284-0, urn:medcoord:code:consent-scope|patient-privacy] 2026-12-08T15:00:00Z..-",
                "c-research Inactive research 'research' [http://loinc.org|59284-0, urn:medcoord:code:consent-scope|research] 2026-11-27T15:00:00Z..2026-12-02T15:00:00Z",
                "c-revoked Inactive treatment 'telehealth' [http://loinc.org|59284-0, urn:medcoord:code:consent-scope|telehealth] 2026-11-27T15:00:00Z..2026-12-07T15:00:00Z",
                "c-now Active treatment 'treatment' [http://loinc.org|59284-0, urn:medcoord:code:consent-scope|treatment] 2026-12-07T15:00:00Z..2026-12-08T15:00:00Z",
            ],
            All<Hl7.Fhir.Model.Consent>(bundle).Select(c =>
                $"{c.Identifier.Single().Value} {c.Status} {c.Scope.Coding.Single().Code} '{c.Scope.Text}' [{string.Join(", ", c.Category.Single().Coding.Select(x => $"{x.System}|{x.Code}"))}]"
                + $" {c.Provision.Period.Start}..{c.Provision.Period.End ?? "-"}"));
        var consent = All<Hl7.Fhir.Model.Consent>(bundle).First();
        Assert.Equal(
            ("http://terminology.hl7.org/CodeSystem/consentscope", "Patient:pat-a", "2026-12-06T15:00:00Z", "http://terminology.hl7.org/CodeSystem/v3-ActCode|OPTIN", Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit),
            (consent.Scope.Coding[0].System, Ref(bundle, consent.Patient), consent.DateTime, $"{consent.PolicyRule.Coding[0].System}|{consent.PolicyRule.Coding[0].Code}", consent.Provision.Type!.Value));
    }

    [Fact]
    public void CarePlan_ACadence_IsOneUnitWhenItIsWholeYearsMonthsWeeksOrDays_ElseDays()
    {
        NodaTime.Period[] cadences =
        [
            NodaTime.Period.FromYears(1), NodaTime.Period.FromMonths(6), NodaTime.Period.FromWeeks(2), NodaTime.Period.FromDays(10),
            NodaTime.Period.FromWeeks(1) + NodaTime.Period.FromDays(2), NodaTime.Period.FromYears(1) + NodaTime.Period.FromMonths(2), NodaTime.Period.FromHours(36),
            NodaTime.Period.FromDays(1) + NodaTime.Period.FromHours(12),
        ];
        var plan = new EngineCarePlan("plan", "pat-a", CarePlanStatus.Active, [],
            [.. cadences.Select((every, i) => new CareActivity($"a{i}", ActivityKind.Recurring, "lab-draw", Every: every, FirstDue: Monday))], []);

        var activities = All<Hl7.Fhir.Model.CarePlan>(Export(None with { CarePlans = [plan] })).Single().Activity;

        Assert.Equal(
            ["1 A", "6 Mo", "2 Wk", "10 D", "9 D", "426.125 D", "1.5 D", "1.5 D"],
            activities.Select(a => ((Timing)a.Detail.Scheduled).Repeat).Select(r => Invariant($"{r.Period} {r.PeriodUnit}")));
        Assert.All(activities, a => Assert.Equal((1, "2026-12-07", null), (((Timing)a.Detail.Scheduled).Repeat.Frequency, ((Period)((Timing)a.Detail.Scheduled).Repeat.Bounds).Start, ((Period)((Timing)a.Detail.Scheduled).Repeat.Bounds).End)));
    }

    [Fact]
    public void CarePlan_AnActivitysOwnFields_GoInItsExtension_ToleranceForRecurringOnes_AndItsProgress()
    {
        var plan = new EngineCarePlan("plan", "pat-a", CarePlanStatus.Draft, [],
            [
                new CareActivity("lab", ActivityKind.Recurring, "lab-draw", 3, Every: NodaTime.Period.FromMonths(3), ToleranceDays: 0, FirstDue: Monday, CompletedCount: 2),
                new CareActivity("visit", ActivityKind.OneOff, "new-patient", 7, ToleranceDays: 5, DueBy: Monday.PlusDays(3),
                    After: [new ActivityLink("lab", 60, 1440), new ActivityLink("other", 0)]),
                new CareActivity("order", ActivityKind.Order, "panel"),
                new CareActivity("open", ActivityKind.Recurring, "lab-draw", Every: NodaTime.Period.FromMonths(1)),
            ],
            []);

        var carePlan = All<Hl7.Fhir.Model.CarePlan>(Export(None with { CarePlans = [plan] })).Single();

        Assert.Equal(
            [
                "care-activity(id=lab priority=3 toleranceDays=0) progress=[2 occurrence(s) done] Appointment",
                "care-activity(id=visit priority=7 follows(activity=lab minGapMinutes=60 maxGapMinutes=1440) follows(activity=other minGapMinutes=0)) progress=[] Appointment",
                "care-activity(id=order priority=1) progress=[] ServiceRequest",
                "care-activity(id=open priority=1 toleranceDays=0) progress=[] Appointment",
            ],
            carePlan.Activity.Select(a => $"{Extension(a.Extension.Single())} progress=[{string.Join("; ", a.Progress.Select(p => p.Text))}] {a.Detail.Kind}"));
        Assert.Equal(
            ["Timing", "-..2026-12-10", "-", "-"],
            carePlan.Activity.Select(a => a.Detail.Scheduled switch
            {
                Period p => $"{p.Start ?? "-"}..{p.End}",
                null => "-",
                var other => other.TypeName,
            }));
        Assert.Equal(
            ("urn:medcoord:appointment-type|lab-draw 'plan/lab'", RequestStatus.Draft, (string)null, (ResourceReference)null),
            (Codes(carePlan.Activity[0].Detail.Code), carePlan.Status!.Value, carePlan.Created, carePlan.Author));
    }

    private static string Extension(Extension e) => e.Value switch
    {
        null => $"{e.Url.Replace("https://medcoord.dev/fhir/StructureDefinition/", string.Empty, StringComparison.Ordinal)}({string.Join(" ", e.Extension.Select(Extension))})",
        FhirString s => $"{e.Url}={s.Value}",
        PositiveInt p => $"{e.Url}={p.Value}",
        UnsignedInt u => $"{e.Url}={u.Value}",
        var other => $"{e.Url}={other}",
    };

    [Fact]
    public void ResultRelayTasks_CarryTheirStepOwnerVersionTimesAndWhoDidWhat()
    {
        var bundle = Export(EngineRecordsFixture.All());
        var report = All<DiagnosticReport>(bundle).Single(r => r.Identifier[0].Value == "res-hba1c");
        var url = bundle.Entry.Single(e => e.Resource == report).FullUrl;

        Assert.Equal(
            [
                "Cancelled reason=urn:medcoord:code:relay-task-status|superseded 'a newer version of the result replaced it' business=- Urgent provider-review authored=2026-12-05T15:00:00Z period=- owner=urn:medcoord:provider=dr-lopez for=Patient:pat-a version=1 out=[]",
                "Completed reason=- business=- Urgent provider-review authored=2026-12-05T16:00:00Z period=2026-12-05T16:00:00Z..2026-12-05T17:00:00Z owner=urn:medcoord:provider=dr-lopez for=Patient:pat-a version=2"
                + " out=[urn:medcoord:code:task-output|done-by=urn:medcoord:actor=dr-lopez]",
                "Requested reason=- business=urn:medcoord:code:relay-task-status|released Urgent patient-notification authored=2026-12-05T17:00:00Z period=- owner=Patient:pat-a for=Patient:pat-a version=2"
                + " out=[urn:medcoord:code:task-output|released-at=2026-12-05T17:00:00Z, urn:medcoord:code:task-output|released-by=urn:medcoord:actor=dr-lopez]",
            ],
            All<FhirTask>(bundle).Where(t => t.Focus?.Reference == url).Select(t =>
                $"{t.Status} reason={Codes(t.StatusReason)} business={Codes(t.BusinessStatus)} {t.Priority} {t.Code.Coding.Single().Code} authored={t.AuthoredOn}"
                + $" period={(t.ExecutionPeriod is { } p ? $"{p.Start}..{p.End}" : "-")} owner={Ref(bundle, t.Owner)} for={Ref(bundle, t.For)} version={((Integer)t.Input.Single().Value).Value}"
                + $" out=[{string.Join(", ", t.Output.Select(o => $"{Codes(o.Type)}={(o.Value is ResourceReference r ? Ref(bundle, r) : o.Value.ToString())}"))}]"));
        Assert.All(All<FhirTask>(bundle).Where(t => t.Focus?.Reference == url), t => Assert.Equal(
            ("urn:medcoord:code:task-input|result-version", FhirTask.TaskIntent.Order, "urn:medcoord:code:relay-step"),
            (Codes(t.Input.Single().Type), t.Intent!.Value, t.Code.Coding.Single().System)));
    }

    [Fact]
    public void ResultTasksOfANormalResult_AreRoutine_AndItsObservationIsNormalWithoutAnIssuedTime()
    {
        var bundle = Export(EngineRecordsFixture.All());
        var lipids = All<Observation>(bundle).Single(o => o.Identifier[0].Value == "res-lipids");
        var report = All<DiagnosticReport>(bundle).Single(o => o.Identifier[0].Value == "res-lipids");
        var url = bundle.Entry.Single(e => e.Resource == report).FullUrl;

        Assert.Equal(
            ("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation|N", "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation|N", "urn:medcoord:code:result-kind|lipid panel 'lipid panel'"),
            (Codes(lipids.Interpretation.Single()), Codes(report.ConclusionCode.Single()), Codes(lipids.Code)));
        Assert.Equal("2026-12-05T17:00:00+00:00", report.Issued!.Value.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(All<FhirTask>(bundle).Where(t => t.Focus?.Reference == url), t => Assert.Equal(RequestPriority.Routine, t.Priority));
        Assert.Equal(
            ["http://terminology.hl7.org/CodeSystem/observation-category|laboratory"],
            All<Observation>(bundle).Single(o => o.Identifier[0].Value == "res-hba1c").Category.Select(Codes));
        Assert.Equal(
            ["http://terminology.hl7.org/CodeSystem/v2-0074|RAD"],
            All<DiagnosticReport>(bundle).Single(o => o.Identifier[0].Value == "res-xray").Category.Select(Codes));
    }

    [Fact]
    public void Result_IsIssuedWhenItsCurrentVersionCameForReview_AndANotificationForSomeoneElseIsOwnedByThem()
    {
        var result = new MedCoord.Engine.Results.IncomingResult("res-q", "pat-a", "dr-kim", "lab", MedCoord.Engine.Results.ResultStatus.Final, Abnormal: true);
        MedCoord.Engine.Results.RelayTask Task(string id, int version, MedCoord.Engine.Results.RelayStep step, string to, int hoursBefore) =>
            new(id, "res-q", version, step, Urgent: true, to, T0 - Duration.FromHours(hoursBefore), null, null, Superseded: false);
        var thread = new MedCoord.Engine.Results.ResultThread(result, 2,
        [
            Task("t1", 1, MedCoord.Engine.Results.RelayStep.ProviderReview, "dr-kim", 5),
            Task("t2", 2, MedCoord.Engine.Results.RelayStep.ProviderReview, "dr-kim", 4),
            Task("t3", 2, MedCoord.Engine.Results.RelayStep.PatientNotification, "nurse-1", 3),
            Task("t4", 1, MedCoord.Engine.Results.RelayStep.ProviderReview, "dr-kim", 2),
        ]);
        var normal = new MedCoord.Engine.Results.ResultThread(result with { Id = "res-n", Abnormal = false }, 1, []);

        var bundle = Export(None with { Results = [thread, normal] });

        var report = All<DiagnosticReport>(bundle).Single(r => r.Identifier[0].Value == "res-q");
        var observation = All<Observation>(bundle).Single(o => o.Identifier[0].Value == "res-q");
        Assert.Equal((T0 - Duration.FromHours(4)).ToDateTimeOffset(), report.Issued);
        Assert.Equal(report.Issued, observation.Issued);
        Assert.Equal(
            ["urn:medcoord:result=res-q", "urn:medcoord:result=res-q", "urn:medcoord:result=res-q"],
            new Resource[] { All<ServiceRequest>(bundle).Single(r => r.Identifier[0].Value == "res-q"), observation, report }
                .Select(r => r switch { ServiceRequest q => q.Identifier, Observation o => o.Identifier, DiagnosticReport d => d.Identifier, _ => [] }).Select(i => $"{i.Single().System}={i.Single().Value}"));
        Assert.Equal(
            ["urn:medcoord:relay-task=t1 urn:medcoord:provider=dr-kim", "urn:medcoord:relay-task=t2 urn:medcoord:provider=dr-kim", "urn:medcoord:relay-task=t3 urn:medcoord:provider=nurse-1",
                "urn:medcoord:relay-task=t4 urn:medcoord:provider=dr-kim"],
            All<FhirTask>(bundle).Select(t => $"{t.Identifier.Single().System}={t.Identifier.Single().Value} {Ref(bundle, t.Owner)}"));
        Assert.Equal(
            ("A", "Abnormal", "N", "Normal"),
            (observation.Interpretation.Single().Coding.Single().Code, observation.Interpretation.Single().Coding.Single().Display,
                All<Observation>(bundle).Single(o => o.Identifier[0].Value == "res-n").Interpretation.Single().Coding.Single().Code,
                All<DiagnosticReport>(bundle).Single(o => o.Identifier[0].Value == "res-n").ConclusionCode.Single().Coding.Single().Display));
        Assert.Null(All<DiagnosticReport>(bundle).Single(o => o.Identifier[0].Value == "res-n").Issued);
    }

    [Theory]
    [InlineData(MedCoord.Engine.Visits.VisitStatus.Cancelled)]
    [InlineData(MedCoord.Engine.Visits.VisitStatus.NoShow)]
    public void Visit_CancelledOrMissedWithoutAChangeOnRecord_HasNoReason(MedCoord.Engine.Visits.VisitStatus status)
    {
        var bundle = Export(None with { Visits = [new MedCoord.Engine.Visits.Visit("v-1", "pat-a", "new-patient", T0, status, [])] });

        var appointment = All<Appointment>(bundle).Single();
        Assert.Null(appointment.CancelationReason);
        Assert.DoesNotContain(appointment.Extension, e => e.Url.EndsWith("no-show-reason", StringComparison.Ordinal));
    }

    [Fact]
    public void Referral_TheRequestAndTask_CarryTheLifecycleTimes()
    {
        var bundle = Export(EngineRecordsFixture.All());
        string Describe(string id)
        {
            var task = All<FhirTask>(bundle).Single(t => t.Identifier[0].System == "urn:medcoord:referral" && t.Identifier[0].Value == id);
            var request = All<ServiceRequest>(bundle).Single(r => r.Identifier[0].System == "urn:medcoord:referral" && r.Identifier[0].Value == id);
            return $"{request.Status} {request.Intent} {request.Priority} {Codes(request.Category.Single())} {Codes(request.Code)} {request.AuthoredOn} {Ref(bundle, request.Requester)}"
                + $" {Codes(request.PerformerType)} | {task.Intent} {task.Priority} {task.AuthoredOn} {task.LastModified ?? "-"} {Ref(bundle, task.Requester)}"
                + $" {(task.ExecutionPeriod is { } p ? $"{p.Start}..{p.End ?? "-"}" : "-")} {Ref(bundle, task.Focus)} {Ref(bundle, task.BasedOn.Single())} {Ref(bundle, task.For)}";
        }

        Assert.Equal(
            "Draft Order Routine http://snomed.info/sct|3457005 http://snomed.info/sct|3457005 2026-11-27T15:00:00Z urn:medcoord:provider=dr-lopez urn:medcoord:code:referral-target|cardiology 'cardiology'"
                + " | Order Routine 2026-11-27T15:00:00Z - urn:medcoord:provider=dr-lopez - ServiceRequest:ref-draft ServiceRequest:ref-draft Patient:pat-a",
            Describe("ref-draft"));
        Assert.Equal(
            "Active Order Urgent http://snomed.info/sct|3457005 http://snomed.info/sct|3457005 2026-11-27T15:00:00Z urn:medcoord:provider=dr-lopez urn:medcoord:code:referral-target|FAC-001 'FAC-001'"
                + " | Order Urgent 2026-11-27T15:00:00Z 2026-11-28T15:00:00Z urn:medcoord:provider=dr-lopez 2026-11-28T15:00:00Z..- ServiceRequest:ref-sent ServiceRequest:ref-sent Patient:pat-c",
            Describe("ref-sent"));
    }

    [Fact]
    public void Messages_StatusReasonAndReceipt_FollowTheDelivery()
    {
        var bundle = Export(EngineRecordsFixture.All());

        Assert.Equal(
            [
                "plan-1/consult/1/reminder-48h Completed - [reminder, Reminder, reminder-48h] about=[Appointment:plan-1/consult/1] basedOn=[] at=2026-12-05T15:00:00Z to=Patient:pat-a",
                "plan-1/consult/1/reminder-2h Active - [reminder, Reminder, reminder-2h] about=[Appointment:plan-1/consult/1] basedOn=[] at=2026-12-07T13:00:00Z to=Patient:pat-a",
                "visit-1/follow-up Revoked urn:medcoord:code:message-status|cancelled 'what it announces will not happen' [notification, FollowUp, follow-up-24h] about=[Appointment:visit-1] basedOn=[] at=2026-12-08T15:00:00Z to=Patient:pat-b",
                "visit-3/follow-up Active - [notification, FollowUp, follow-up-24h] about=[Appointment:visit-3] basedOn=[] at=2026-12-07T12:00:00Z to=Patient:pat-b",
                "visit-5/follow-up Completed - [notification, FollowUp, follow-up-24h] about=[Appointment:visit-5] basedOn=[] at=2026-12-07T12:00:00Z to=Patient:pat-b",
                "{0} Completed - [notification, ResultNotification, result-ready] about=[DiagnosticReport:res-hba1c] basedOn=[Task:{1}] at=2026-12-07T15:00:00Z to=Patient:pat-a",
            ],
            All<CommunicationRequest>(bundle).Select(r =>
                $"{Placeholders(r.Identifier.Single().Value)} {r.Status} {Codes(r.StatusReason)} [{string.Join(", ", r.Category.Select(c => c.Coding.Single().Code))}]"
                + $" about=[{string.Join(", ", r.About.Select(a => Ref(bundle, a)))}] basedOn=[{string.Join(", ", r.BasedOn.Select(b => Placeholders(Ref(bundle, b))))}]"
                + $" at={((FhirDateTime)r.Occurrence).Value} to={Ref(bundle, r.Recipient.Single())}"));
        Assert.Equal(
            [
                "plan-1/consult/1/reminder-48h Completed - received=2026-12-05T16:00:00Z",
                "visit-3/follow-up NotDone urn:medcoord:code:delivery-result|Failed received=-",
                "visit-5/follow-up NotDone urn:medcoord:code:delivery-result|Rejected received=-",
                "{0} Completed - received=2026-12-07T15:01:00Z",
            ],
            All<Communication>(bundle).Select(c => $"{Placeholders(c.Identifier.Single().Value)} {c.Status} {Codes(c.StatusReason)} received={c.Received ?? "-"}"));
        Assert.All(All<Communication>(bundle), c => Assert.Equal(c.Identifier.Single().Value, Ref(bundle, c.BasedOn.Single())["CommunicationRequest:".Length..]));
        Assert.Equal(
            "http://terminology.hl7.org/CodeSystem/communication-category|reminder+urn:medcoord:code:message-purpose|Reminder+urn:medcoord:code:message-template|reminder-48h",
            string.Join("+", All<CommunicationRequest>(bundle).First().Category.Select(Codes)));
    }

    /// <summary>The relay task ids the fixture's result thread makes, as {0} (the message) and {1} (the task).</summary>
    private static string Placeholders(string text)
    {
        var notify = EngineRecordsFixture.All().Messages[^1];
        return text.Replace(notify.Id, "{0}", StringComparison.Ordinal).Replace("Task:" + notify.TaskId, "Task:{1}", StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_AboutAVisitOrResultNotExported_PointAtNothing()
    {
        var records = EngineRecordsFixture.All();
        var message = records.Messages[^1] with { Id = "m-1", VisitId = "visit-gone", ResultId = "res-gone", TaskId = "task-gone" };

        var request = All<CommunicationRequest>(Export(records with { Messages = [message] })).Single();

        Assert.Empty(request.About);
        Assert.Empty(request.BasedOn);
    }

    [Fact]
    public void AuditTrail_ReadsNameThePatientsTheirContentLists_WritesTheRecord_CreateThenUpdate()
    {
        var records = EngineRecordsFixture.All();
        const string Hash = "0000000000000000000000000000000000000000000000000000000000000000";
        AuditEntry Entry(long sequence, string type, string id, string content = null, string key = null) =>
            new(sequence, T0 + Duration.FromMinutes(sequence), "actor-" + sequence, type, id, "Action." + sequence, Hash, Hash) { Content = content, KeyId = key, Format = 2 };
        IReadOnlyList<AuditEntry> trail =
        [
            Entry(1, AuditEntry.ReadEntityType, "pat-a", "not json"),
            Entry(2, AuditEntry.ReadEntityType, "-", "not json"),
            Entry(3, AuditEntry.ReadEntityType, "*"),
            Entry(4, AuditEntry.ReadEntityType, "pat-b"),
            Entry(5, AuditEntry.ReadEntityType, "pat-a", "{\"records\":[]}"),
            Entry(6, AuditEntry.ReadEntityType, "pat-a", "{\"patients\":\"pat-a\"}"),
            Entry(7, AuditEntry.ReadEntityType, "*", "{\"patients\":[1,\"pat-q\",\"pat-c\"]}"),
            Entry(8, "claim", "CLM-1", key: "k2"),
            Entry(9, "claim", "CLM-1"),
            Entry(10, "referral", "ref-sent"),
            Entry(11, "outbox-message", "visit-3/follow-up"),
            Entry(12, "intake-response", "plan-1/consult/1"),
            Entry(13, "consent", "consent-active"),
            Entry(14, "result", "res-xray"),
            Entry(15, "visit", "visit-2"),
            Entry(16, "supply-order", "so-1"),
            Entry(17, "claim", "CLM-404"),
            Entry(18, "referral", "CLM-1"),
        ];
        var bundle = Export(records, trail);

        Assert.Equal(
            [
                "R [Patient:pat-a]", "R []", "R []", "R [Patient:pat-b]", "R []", "R []", "R [urn:medcoord:patient=pat-q, Patient:pat-c]",
                "C [Claim:CLM-1]", "U [Claim:CLM-1]", "C [ServiceRequest:ref-sent]", "C [CommunicationRequest:visit-3/follow-up]",
                "C [QuestionnaireResponse]", "C [Consent:consent-active]", "C [DiagnosticReport:res-xray]", "C [Appointment:visit-2]",
                "C [urn:medcoord:supply-order=so-1]", "C [urn:medcoord:claim=CLM-404]", "C [urn:medcoord:referral=CLM-1]",
            ],
            All<AuditEvent>(bundle).Select(e => $"{e.Action} [{string.Join(", ", e.Entity.SkipLast(1).Select(x => x.What.Reference is { } url && bundle.Entry.Single(b => b.FullUrl == url).Resource is QuestionnaireResponse ? "QuestionnaireResponse" : Ref(bundle, x.What)))}]"));
        var read = All<AuditEvent>(bundle).First();
        var write = All<AuditEvent>(bundle).ElementAt(7);
        Assert.Equal(
            ("http://terminology.hl7.org/CodeSystem/audit-entity-type|1", "http://terminology.hl7.org/CodeSystem/object-role|1"),
            ($"{read.Entity[0].Type.System}|{read.Entity[0].Type.Code}", $"{read.Entity[0].Role.System}|{read.Entity[0].Role.Code}"));
        Assert.Equal(("2", (string)null), (write.Entity[0].Type.Code, write.Entity[0].Role?.Code));
        Assert.Equal(
            "sequence=8 format=2 entity-type=claim entity-id=CLM-1 previous-hash=" + Hash + " hash=" + Hash + " key-id=k2",
            string.Join(" ", write.Entity[^1].Detail.Select(d => $"{d.Type}={((FhirString)d.Value).Value}")));
        Assert.Equal(
            "sequence=1 format=2 entity-type=" + AuditEntry.ReadEntityType + " entity-id=pat-a previous-hash=" + Hash + " hash=" + Hash + " content=not json",
            string.Join(" ", read.Entity[^1].Detail.Select(d => $"{d.Type}={((FhirString)d.Value).Value}")));
        Assert.Equal(
            ("urn:medcoord:audit-entry=8", "2", "13", "http://dicom.nema.org/resources/ontology/DCM|110110", "urn:medcoord:code:audit-action|Action.8", "urn:medcoord:actor=actor-8", true, "urn:medcoord:system=medcoord-engine"),
            (Ref(bundle, write.Entity[^1].What), write.Entity[^1].Type.Code, write.Entity[^1].Role.Code, $"{write.Type.System}|{write.Type.Code}", $"{write.Subtype.Single().System}|{write.Subtype.Single().Code}",
                Ref(bundle, write.Agent.Single().Who), write.Agent.Single().Requestor, Ref(bundle, write.Source.Observer)));
        Assert.Equal(T0.ToDateTimeOffset().AddMinutes(8), write.Recorded);
    }

    [Fact]
    public void CarePlan_Goals_AreGoalsOfThePatient_WithTheirLifecycle_AndThePlanIsCreatedByItsFirstChange()
    {
        var plan = new EngineCarePlan("plan", "pat-a", CarePlanStatus.Active,
            [.. Enum.GetValues<GoalStatus>().Select(g => new CarePlanGoal(g.ToString().ToLowerInvariant(), "goal " + g, g))], [],
            [new CarePlanChange(T0 - Duration.FromDays(3), "coord-1", null, "Plan.Created"), new CarePlanChange(T0, "coord-2", null, "Plan.Saved")]);
        var bundle = Export(None with { CarePlans = [plan] });
        var carePlan = All<Hl7.Fhir.Model.CarePlan>(bundle).Single();

        Assert.Equal(
            ["plan/proposed Proposed 'goal Proposed' Patient:pat-a", "plan/active Active 'goal Active' Patient:pat-a", "plan/completed Completed 'goal Completed' Patient:pat-a",
                "plan/cancelled Cancelled 'goal Cancelled' Patient:pat-a"],
            carePlan.Goal.Select(r => (Goal)bundle.Entry.Single(e => e.FullUrl == r.Reference).Resource)
                .Select(g => $"{g.Identifier.Single().Value} {g.LifecycleStatus} '{g.Description.Text}' {Ref(bundle, g.Subject)}"));
        Assert.Equal(
            ("urn:medcoord:care-plan=plan", Hl7.Fhir.Model.CarePlan.CarePlanIntent.Plan, "2026-12-04T15:00:00Z", "urn:medcoord:actor=coord-1", "Patient:pat-a"),
            ($"{carePlan.Identifier.Single().System}={carePlan.Identifier.Single().Value}", carePlan.Intent!.Value, carePlan.Created, Ref(bundle, carePlan.Author), Ref(bundle, carePlan.Subject)));
    }

    [Fact]
    public void Visit_TheEncountersHistoryPeriodsAndTimes_FollowTheVisitsChanges()
    {
        var bundle = EngineBundle.Export(EngineRecordsFixture.All(), [], new EngineBundleOptions { AppointmentMinutes = new Dictionary<string, int> { ["new-patient"] = 0 } });
        var encounters = All<Encounter>(bundle).ToList();

        Assert.Equal(
            [
                "plan-1/consult/1 Planned [] -",
                "visit-1 Arrived [Arrived 2026-12-07T15:50:00Z..-] 2026-12-07T15:50:00Z..-",
                "visit-2 InProgress [InProgress 2026-12-07T16:55:00Z..-] 2026-12-07T16:55:00Z..-",
                "visit-3 Finished [Arrived 2026-12-07T17:50:00Z..2026-12-07T17:55:00Z, InProgress 2026-12-07T17:55:00Z..2026-12-07T18:40:00Z, Finished 2026-12-07T18:40:00Z..-] 2026-12-07T17:50:00Z..2026-12-07T18:40:00Z",
                "visit-4 Cancelled [Cancelled 2026-12-06T19:00:00Z..-] -",
                "visit-5 Cancelled [Cancelled 2026-12-07T20:15:00Z..-] -",
            ],
            encounters.Select(e => $"{e.Identifier.Single().Value} {e.Status} [{string.Join(", ", e.StatusHistory.Select(h => $"{h.Status} {h.Period.Start}..{h.Period.End ?? "-"}"))}]"
                + $" {(e.Period is { } p ? $"{p.Start}..{p.End ?? "-"}" : "-")}"));
        Assert.All(encounters, e => Assert.Equal(("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"), (e.Class.System, e.Class.Code)));
        Assert.All(encounters, e => Assert.Equal(e.Identifier.Single().Value, ((Appointment)bundle.Entry.Single(x => x.FullUrl == e.Appointment.Single().Reference).Resource).Identifier[0].Value));
        Assert.Equal(
            ["urn:medcoord:appointment-type|new-patient", "urn:medcoord:appointment-type|mystery-type"],
            encounters.Take(2).Select(e => Codes(e.ServiceType)));

        // A type of 0 minutes is no known length: the end is marked absent.
        var appointment = All<Appointment>(bundle).First();
        Assert.Equal((null, null, "unknown"), (appointment.End, appointment.MinutesDuration, ((Code)appointment.EndElement.Extension.Single().Value).Value));
        Assert.Equal(
            ["urn:medcoord:visit=plan-1/consult/1", "urn:medcoord:scheduling-request=plan-1/consult/1"],
            appointment.Identifier.Select(i => $"{i.System}={i.Value}"));
        Assert.Equal(
            "urn:medcoord:code:visit-status|Cancelled 'patient called'",
            Codes(All<Appointment>(bundle).Single(a => a.Identifier[0].Value == "visit-4").CancelationReason));
    }

    [Fact]
    public void Intake_IsACompletedResponseOfThePatient_AtTheEncounterOfItsVisitWhenExported()
    {
        var bundle = Export(EngineRecordsFixture.All());

        Assert.Equal(
            ["urn:medcoord:intake-response=plan-1/consult/1 Completed Patient:pat-a Encounter:plan-1/consult/1 2026-12-07T14:00:00Z", "urn:medcoord:intake-response=visit-gone Completed Patient:pat-b - 2026-12-07T14:00:00Z"],
            All<QuestionnaireResponse>(bundle).Select(q => $"{q.Identifier.System}={q.Identifier.Value} {q.Status} {Ref(bundle, q.Subject)} {Ref(bundle, q.Encounter)} {q.Authored}"));
    }
}
