using Hl7.Fhir.Model;
using MedCoord.Engine;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using Task = System.Threading.Tasks.Task;
using Instant = NodaTime.Instant;
using Duration = NodaTime.Duration;
using CarePlan = Hl7.Fhir.Model.CarePlan;
using Period = NodaTime.Period;
using FhirPeriod = Hl7.Fhir.Model.Period;
using Consent = MedCoord.Engine.Visits.Consent;

namespace MedCoord.Fhir.Tests;

/// <summary>Care plans, referrals, consents and intake from an EHR into the engine: read from a bundle, stored whole or refused with every FHIRPath.</summary>
public sealed class EngineImportTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 15, 0);

    private static CoordinationEngine NewEngine() => CoordinationEngine.InMemory(new FakeClock(Now), new EngineOptions());

    private static readonly CareActivity[] Activities =
    [
        new("panel", ActivityKind.Order, "lab-draw", 3, NotBefore: new LocalDate(2026, 12, 8), DueBy: new LocalDate(2026, 12, 18)),
        new("review", ActivityKind.Recurring, "diabetes-review", 20, Every: Period.FromMonths(3), ToleranceDays: 14, FirstDue: new LocalDate(2027, 1, 11),
            After: [new ActivityLink("panel", 120, 10080)]),
        new("eye", ActivityKind.OneOff, "eye-exam", DueBy: new LocalDate(2027, 3, 31)),
        new("weekly", ActivityKind.Recurring, "nurse-call", Every: Period.FromWeeks(2), FirstDue: new LocalDate(2026, 12, 14)),
    ];

    private static async Task<CoordinationEngine> Source()
    {
        var engine = NewEngine();
        await engine.Records.ImportAsync(
            new RecordsImport(
                [
                    new CarePlanImport("plan-1", "pat-a", [new CarePlanGoal("a1c", "HbA1c below 7"), new CarePlanGoal("walk", "Walk daily", GoalStatus.Proposed)], Activities, Activate: true),
                    new CarePlanImport("plan-2", "pat-b", [], [Activities[2]], Activate: false),
                ],
                [new ReferralImport("ref-1", "pat-a", "dr-lee", "cardiology", ReferralPriority.Urgent, Sent: true), new ReferralImport("ref-2", "pat-b", "dr-kim", "fac-east", ReferralPriority.Routine, Sent: false)],
                [new Consent("con-1", "pat-a", "telehealth", Now - Duration.FromDays(3), Now + Duration.FromDays(362), null)],
                [new IntakeResponse("visit-1", "pat-a", Now - Duration.FromHours(2))]),
            "ehr-feed");
        return engine;
    }

    [Fact]
    public async Task ExportThenImport_IntoAnotherEngine_GivesTheSameRecords()
    {
        var source = await Source();
        var bundle = EngineBundle.Export(await source.Records.ExportAsync("tester"), []);

        var read = EngineBundle.Import(bundle);

        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        var target = NewEngine();
        Assert.Equal(6, await target.Records.ImportAsync(read.Records!, "fhir-in"));
        var before = await source.Records.ExportAsync("tester");
        var after = await target.Records.ExportAsync("tester");
        Assert.Equal(before.CarePlans.Select(p => (p.Id, p.PatientId, p.Status)), after.CarePlans.Select(p => (p.Id, p.PatientId, p.Status)));
        for (var i = 0; i < before.CarePlans.Count; i++)
        {
            Assert.Equal(before.CarePlans[i].Goals, after.CarePlans[i].Goals);
            Assert.Equal(before.CarePlans[i].Activities.Select(a => a with { After = null }), after.CarePlans[i].Activities.Select(a => a with { After = null }));
            Assert.Equal(before.CarePlans[i].Activities.Select(a => string.Join(",", a.Links)), after.CarePlans[i].Activities.Select(a => string.Join(",", a.Links)));
            Assert.Equal(before.CarePlans[i] with { History = [] }, after.CarePlans[i] with { History = [] });
        }

        Assert.Equal(before.Referrals.Select(r => (r.Id, r.PatientId, r.FromProviderId, r.Target, r.Priority, r.Status)), after.Referrals.Select(r => (r.Id, r.PatientId, r.FromProviderId, r.Target, r.Priority, r.Status)));
        Assert.Equal(before.Consents, after.Consents);
        Assert.Equal(before.Intakes, after.Intakes);
        Assert.Empty(FhirValidation.Errors(bundle));
    }

    [Fact]
    public async Task ARevokedConsent_ComesBackRevokedWhenItsPeriodEnded()
    {
        var source = NewEngine();
        var revoked = new Consent("con-2", "pat-a", "research", Now - Duration.FromDays(30), null, Now - Duration.FromDays(1));
        await source.Visits.RecordConsentAsync(revoked, "front-desk");

        var read = EngineBundle.Import(EngineBundle.Export(await source.Records.ExportAsync("tester"), []));

        Assert.Equal([revoked], read.Records!.Consents);
    }

    [Fact]
    public async Task AHandWrittenEhrBundle_IsValid_ImportsAndIsStored()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "ehr-coordination-bundle.json"));
        var parseErrors = FhirJson.TryParseBundle(json, out var bundle);
        Assert.Empty(parseErrors);
        Assert.Empty(FhirValidation.Errors(bundle!));

        var read = EngineBundle.Import(bundle!);

        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        var records = read.Records!;
        var plan = Assert.Single(records.CarePlans);
        Assert.Equal(("cp-100", "MRN-77", true), (plan.Id, plan.PatientId, plan.Activate));
        Assert.Equal([new CarePlanGoal("goal-bp", "Blood pressure below 130/80")], plan.Goals);
        Assert.Equal(
            [
                new CareActivity("activity-1", ActivityKind.OneOff, "new-patient", NotBefore: new LocalDate(2026, 12, 10), DueBy: new LocalDate(2027, 1, 15)),
                new CareActivity("activity-2", ActivityKind.Order, "lab-draw", DueBy: new LocalDate(2026, 12, 31)),
                new CareActivity("activity-3", ActivityKind.Recurring, "bp-check", Every: Period.FromMonths(1), FirstDue: new LocalDate(2027, 1, 4)),
            ],
            plan.Activities.Select(a => a with { After = null }));
        Assert.Equal([new ReferralImport("REF-9", "MRN-77", "1234567893", "Cardiology", ReferralPriority.Urgent, true)], records.Referrals);
        Assert.Equal([new Consent("CON-5", "MRN-77", "treatment", Instant.FromUtc(2026, 12, 1, 14, 30), Instant.FromUtc(2027, 12, 1, 5, 0), null)], records.Consents);
        Assert.Equal([new IntakeResponse("enc-42", "MRN-77", Instant.FromUtc(2026, 12, 6, 22, 15))], records.Intakes);

        var engine = NewEngine();
        Assert.Equal(4, await engine.Records.ImportAsync(records, "ehr-feed"));
        var due = await engine.CarePlans.DueRequestsAsync(new DateInterval(new LocalDate(2026, 12, 7), new LocalDate(2027, 1, 31)));
        Assert.Equal(["cp-100/activity-1/1", "cp-100/activity-2/1", "cp-100/activity-3/1"], due.Select(d => d.Request.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ABundleWithNothingToTakeIn_IsAnError()
    {
        var read = EngineBundle.Import(new Bundle { Type = Bundle.BundleType.Collection, Entry = [new Bundle.EntryComponent { Resource = new Patient { Id = "p" } }] });

        Assert.Equal([new ValidationError("entry", "the bundle holds no CarePlan, referral ServiceRequest, Consent or QuestionnaireResponse")], read.Errors);
        Assert.Null(read.Records);
        Assert.Throws<ArgumentNullException>(() => EngineBundle.Import(null!));
    }

    [Fact]
    public void BadResources_AreEachNamedByEntryAndFhirPath_AndNothingIsRead()
    {
        static ResourceReference Patient() => new() { Identifier = new Identifier("urn:medcoord:patient", "pat-a") };
        static CarePlan.ActivityComponent Detail(CarePlan.CarePlanActivityStatus status, DataType? scheduled, string? type = "t") => new()
        {
            Detail = new CarePlan.DetailComponent
            {
                Status = status,
                Code = type is null ? null : new CodeableConcept("urn:medcoord:appointment-type", type),
                Scheduled = scheduled,
            },
        };
        var referral = new CodeableConcept("http://snomed.info/sct", "3457005");
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry =
            [
                new() { Resource = new CarePlan { Id = "done", Status = RequestStatus.Completed, Intent = CarePlan.CarePlanIntent.Plan, Subject = Patient() } },
                new() { Resource = new CarePlan { Id = "who", Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan } },
                new()
                {
                    Resource = new CarePlan
                    {
                        Id = "acts",
                        Status = RequestStatus.Active,
                        Intent = CarePlan.CarePlanIntent.Plan,
                        Subject = Patient(),
                        Goal = [new ResourceReference("Goal/missing")],
                        Activity =
                        [
                            Detail(CarePlan.CarePlanActivityStatus.InProgress, new FhirPeriod { End = "2027-01-01" }),
                            Detail(CarePlan.CarePlanActivityStatus.NotStarted, new FhirPeriod { End = "2027-01" }, type: null),
                            Detail(CarePlan.CarePlanActivityStatus.NotStarted, new Timing { Repeat = new Timing.RepeatComponent { Period = 8, PeriodUnit = Timing.UnitsOfTime.H, Frequency = 2 } }),
                            new CarePlan.ActivityComponent { Reference = new ResourceReference("ServiceRequest/x") },
                            Detail(CarePlan.CarePlanActivityStatus.NotStarted, new Timing { Code = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation", "BID") }),
                        ],
                    },
                },
                new()
                {
                    Resource = new CarePlan
                    {
                        Id = "late",
                        Status = RequestStatus.Draft,
                        Intent = CarePlan.CarePlanIntent.Plan,
                        Subject = Patient(),
                        Activity = [Detail(CarePlan.CarePlanActivityStatus.Completed, null), Detail(CarePlan.CarePlanActivityStatus.NotStarted, new FhirPeriod { Start = "2027-02-01", End = "2027-01-01" })],
                    },
                },
                new() { Resource = new ServiceRequest { Id = "r1", Status = RequestStatus.Completed, Intent = RequestIntent.Order, Category = [referral], Subject = Patient() } },
                new() { Resource = new ServiceRequest { Id = "lab", Status = RequestStatus.Completed, Intent = RequestIntent.Order, Subject = Patient() } },
                new()
                {
                    Resource = new Hl7.Fhir.Model.Consent
                    {
                        Id = "c1",
                        Status = Hl7.Fhir.Model.Consent.ConsentState.Draft,
                        Patient = Patient(),
                        DateTime = "2026-12-01",
                        Provision = new Hl7.Fhir.Model.Consent.provisionComponent { Period = new FhirPeriod { End = "2026-11-01T00:00:00Z" } },
                    },
                },
                new() { Resource = new QuestionnaireResponse { Id = "q1", Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, Subject = Patient() } },
            ],
        };

        var read = EngineBundle.Import(bundle);

        Assert.Null(read.Records);
        Assert.Equal(
            [
                "entry[0].resource.status",
                "entry[1].resource.subject",
                "entry[2].resource.goal[0]",
                "entry[2].resource.activity[0].detail.status",
                "entry[2].resource.activity[1].detail.code",
                "entry[2].resource.activity[1].detail.scheduled.end",
                "entry[2].resource.activity[2].detail.scheduled.repeat.frequency",
                "entry[2].resource.activity[2].detail.scheduled.repeat.period",
                "entry[2].resource.activity[2].detail.scheduled.repeat.bounds.start",
                "entry[2].resource.activity[3].detail",
                "entry[2].resource.activity[4].detail.scheduled",
                "entry[3].resource.activity[1].detail.scheduled.start",
                "entry[4].resource.requester",
                "entry[4].resource.performerType",
                "entry[4].resource.status",
                "entry[6].resource.scope",
                "entry[6].resource.dateTime",
                "entry[6].resource.status",
                "entry[7].resource.encounter",
                "entry[7].resource.status",
                "entry[7].resource.authored",
            ],
            read.Errors.Select(e => e.Path));
        Assert.Contains(read.Errors, e => e.Message == "care plan 'done': only draft and active plans are taken in, found completed");
        Assert.Contains(read.Errors, e => e.Message == "care plan 'late': activities[0].notBefore must not be after dueBy");
        Assert.DoesNotContain(read.Errors, e => e.Message.Contains("2026-12-01", StringComparison.Ordinal) || e.Message.Contains("2027-01", StringComparison.Ordinal));
    }

    [Fact]
    public void ConsentsNoLongerInForce_AreRevokedNoLaterThanTheBundleWasWritten()
    {
        static Hl7.Fhir.Model.Consent Of(string id, Hl7.Fhir.Model.Consent.ConsentState status, string? end) => new()
        {
            Id = id,
            Status = status,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference { Identifier = new Identifier("urn:medcoord:patient", "pat-a") },
            DateTime = "2026-11-01T10:00:00Z",
            Provision = end is null ? null : new Hl7.Fhir.Model.Consent.provisionComponent { Period = new FhirPeriod { End = end } },
        };
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero),
            Entry =
            [
                new() { Resource = Of("ended", Hl7.Fhir.Model.Consent.ConsentState.Inactive, "2026-12-01T00:00:00Z") },
                new() { Resource = Of("withdrawn-early", Hl7.Fhir.Model.Consent.ConsentState.Inactive, "2027-06-01T00:00:00Z") },
                new() { Resource = Of("no-end", Hl7.Fhir.Model.Consent.ConsentState.Inactive, null) },
                new() { Resource = Of("rejected", Hl7.Fhir.Model.Consent.ConsentState.Rejected, "2027-06-01T00:00:00Z") },
                new() { Resource = Of("standing", Hl7.Fhir.Model.Consent.ConsentState.Active, "2027-06-01T00:00:00Z") },
            ],
        };

        var consents = EngineBundle.Import(bundle).Records!.Consents;

        var given = Instant.FromUtc(2026, 11, 1, 10, 0);
        Assert.Equal(
            [
                ("ended", (Instant?)null, (Instant?)Instant.FromUtc(2026, 12, 1, 0, 0)), ("withdrawn-early", null, Now), ("no-end", null, Now), ("rejected", null, given),
                ("standing", Instant.FromUtc(2027, 6, 1, 0, 0), null),
            ],
            consents.Select(c => (c.Id, c.ExpiresAt, c.RevokedAt)));
        Assert.All(consents.Where(c => c.Id != "standing"), c => Assert.False(c.ActiveAt(Now)));
        Assert.Equal(given, consents.Select(c => c.GivenAt).Distinct().Single());

        bundle.Timestamp = null;
        Assert.Equal(given, EngineBundle.Import(bundle).Records!.Consents.Single(c => c.Id == "withdrawn-early").RevokedAt);
        bundle.Entry = [new() { Resource = Of("instant", Hl7.Fhir.Model.Consent.ConsentState.Active, "2026-11-01T10:00:00Z") }];
        Assert.Equal([new ValidationError("entry[0].resource.provision.period.end", "consent 'instant' ends when it was given")], EngineBundle.Import(bundle).Errors);
    }

    private static CarePlan.ActivityComponent Activity(string appointmentType) => new()
    {
        Detail = new CarePlan.DetailComponent
        {
            Status = CarePlan.CarePlanActivityStatus.NotStarted,
            Code = new CodeableConcept("urn:medcoord:appointment-type", appointmentType),
            Scheduled = new FhirPeriod { End = "2027-01-01" },
        },
    };

    [Fact]
    public void BlankIdentifiers_AreSkipped_TheNextOneIsTheEngineId()
    {
        var activity = Activity("eye-exam");
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry =
            [
                new() { Resource = new Patient { Id = "p9", Identifier = [new Identifier(Fhir.IdSystem("patient"), " "), new Identifier("urn:ehr:mrn", "pat-z")] } },
                new() { Resource = new CarePlan { Id = "fhir-plan", Identifier = [new Identifier(Fhir.IdSystem("care-plan"), "\t"), new Identifier("urn:ehr:plan", "plan-z")], Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan, Subject = new ResourceReference("Patient/p9"), Activity = [activity] } },
            ],
        };

        var read = EngineBundle.Import(bundle);

        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        var plan = Assert.Single(read.Records!.CarePlans);
        Assert.Equal(("plan-z", "pat-z"), (plan.Id, plan.PatientId));
    }

    [Fact]
    public void BlankIds_WrongExtensionTypes_AndPlanLevelFaults_AreNamedWhereTheyAre()
    {
        var activity = Activity("t");
        var typed = new Extension { Url = "https://medcoord.dev/fhir/StructureDefinition/care-activity" };
        typed.Extension.Add(new Extension("priority", new Integer(50)));
        typed.Extension.Add(new Extension("id", new Code("a1")));
        var follows = new Extension { Url = "follows" };
        follows.Extension.Add(new Extension("activity", new FhirString("a0")));
        follows.Extension.Add(new Extension("minGapMinutes", new Integer(5)));
        typed.Extension.Add(follows);
        var withTypes = (CarePlan.ActivityComponent)activity.DeepCopy();
        withTypes.Extension.Add(typed);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry =
            [
                new() { Resource = new CarePlan { Id = "p1", Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan, Subject = new ResourceReference { Identifier = new Identifier("urn:medcoord:patient", " ") }, Activity = [activity] } },
                new() { Resource = new CarePlan { Identifier = [new Identifier("x", "a/b")], Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan, Subject = new ResourceReference("Patient/pat-a"), Activity = [activity] } },
                new() { Resource = new CarePlan { Id = "p3", Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan, Subject = new ResourceReference("Patient/pat-a"), Activity = [withTypes] } },
                new() { Resource = new QuestionnaireResponse { Identifier = new Identifier("urn:medcoord:intake-response", " "), Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed, Subject = new ResourceReference("Patient/pat-a"), Authored = "2026-12-01T10:00:00Z" } },
            ],
        };

        var read = EngineBundle.Import(bundle);

        Assert.Equal(
            [
                new ValidationError("entry[0].resource.subject", "names no patient (a reference to it, or its identifier)"),
                new ValidationError("entry[1].resource.identifier", "care plan 'a/b': id 'a/b' must not contain '/' (request ids are plan/activity/occurrence)"),
                new ValidationError("entry[2].resource.activity[0].extension('https://medcoord.dev/fhir/StructureDefinition/care-activity').extension('id').value", "must be a valueString"),
                new ValidationError("entry[2].resource.activity[0].extension('https://medcoord.dev/fhir/StructureDefinition/care-activity').extension('priority').value", "must be a valuePositiveInt"),
                new ValidationError("entry[2].resource.activity[0].extension('https://medcoord.dev/fhir/StructureDefinition/care-activity').extension('follows').extension('minGapMinutes').value", "must be a valueUnsignedInt"),
                new ValidationError("entry[3].resource.encounter", "the questionnaire response names no visit (its encounter, or an identifier)"),
            ],
            read.Errors);
    }
}
