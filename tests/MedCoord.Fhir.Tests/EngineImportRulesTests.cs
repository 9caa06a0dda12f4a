#nullable disable warnings
using Hl7.Fhir.Model;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Scheduling.Validation;
using Xunit;
using static MedCoord.Fhir.Tests.TestBundles;
using CarePlan = Hl7.Fhir.Model.CarePlan;
using FhirPeriod = Hl7.Fhir.Model.Period;
using Instant = NodaTime.Instant;
using NodaPeriod = NodaTime.Period;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// The EHR's records the way EHRs write them: where each engine field is found when the EHR leaves the engine's own
/// codings out (goal ids and descriptions, referral targets, consent scopes, intake visits), each status mapping, and
/// where each of the engine's plan rules points in the CarePlan.
/// </summary>
public sealed class EngineImportRulesTests
{
    private const string CareActivity = "https://medcoord.dev/fhir/StructureDefinition/care-activity";

    private static ResourceReference Patient() => new() { Identifier = new Identifier("urn:medcoord:patient", "pat-a") };

    private static CarePlan.ActivityComponent Activity(string? id = null, CarePlan.CarePlanActivityStatus status = CarePlan.CarePlanActivityStatus.NotStarted, DataType? scheduled = null, params Extension[] extensions)
    {
        var activity = new CarePlan.ActivityComponent
        {
            Detail = new CarePlan.DetailComponent
            {
                Status = status, Code = new CodeableConcept("urn:medcoord:appointment-type", "eye-exam"), Scheduled = scheduled ?? new FhirPeriod { End = "2027-01-01" },
            },
        };
        if (id is not null || extensions.Length > 0)
        {
            var extension = new Extension { Url = CareActivity };
            if (id is not null)
            {
                extension.Extension.Add(new Extension("id", new FhirString(id)));
            }

            extension.Extension.AddRange(extensions);
            activity.Extension.Add(extension);
        }

        return activity;
    }

    private static CarePlan Plan(string id, params CarePlan.ActivityComponent[] activities) =>
        new() { Id = id, Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan, Subject = Patient(), Activity = [.. activities] };

    private static EngineImport Read(params Resource[] resources) => EngineBundle.Import(Collection(resources));

    private static T Single<T>(EngineImport read, Func<MedCoord.Engine.RecordsImport, IReadOnlyList<T>> records)
    {
        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        return Assert.Single(records(read.Records!));
    }

    [Fact]
    public void AGoalsId_IsItsKeyInThePlan_ElseItsFirstIdentifier_ElseItsId_ElseItsPlace()
    {
        var plan = Plan("cp", Activity());
        plan.Goal = [new("Goal/g1"), new("Goal/g2"), new("Goal/g3"), new("urn:uuid:00000000-0000-4000-8000-000000000004"), new("#g5")];
        plan.Contained = [new Goal { Id = "g5", LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "five" }, Subject = Patient() }];
        Goal Of(string? id, params Identifier[] identifiers) =>
            new() { Id = id, Identifier = [.. identifiers], LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "x" }, Subject = Patient() };

        var read = Single(Read(
            plan,
            Of("g1", new Identifier("urn:ehr:goal", "EHR-1"), new Identifier("urn:medcoord:care-plan-goal", "cp/a1c")),
            Of("g2", new Identifier("urn:ehr:goal", " "), new Identifier("urn:medcoord:care-plan-goal", "other/walk"), new Identifier("urn:ehr:goal", "EHR-2")),
            Of("g3", new Identifier("urn:ehr:goal", string.Empty)),
            Of(null)), r => r.CarePlans);

        Assert.Equal(["a1c", "other/walk", "g3", "goal-4", "g5"], read.Goals.Select(g => g.Id));
    }

    [Theory]
    [InlineData("text", "Walk daily")]
    [InlineData("display", "Body weight")]
    [InlineData("code", "27113001")]
    [InlineData("none", "")]
    public void AGoalsDescription_IsItsText_ElseItsFirstCodingsDisplay_ElseItsCode(string shape, string description)
    {
        var plan = Plan("cp", Activity());
        plan.Goal = [new("Goal/g")];
        var goal = new Goal
        {
            Id = "g", LifecycleStatus = Goal.GoalLifecycleStatus.Active, Subject = Patient(),
            Description = shape switch
            {
                "text" => new CodeableConcept("http://snomed.info/sct", "27113001", "Body weight", "Walk daily"),
                "display" => new CodeableConcept("http://snomed.info/sct", "27113001", "Body weight", null),
                "code" => new CodeableConcept("http://snomed.info/sct", "27113001"),
                _ => new CodeableConcept(),
            },
        };

        Assert.Equal(description, Assert.Single(Single(Read(plan, goal), r => r.CarePlans).Goals).Description);
    }

    [Theory]
    [InlineData(Goal.GoalLifecycleStatus.Proposed, GoalStatus.Proposed)]
    [InlineData(Goal.GoalLifecycleStatus.Planned, GoalStatus.Proposed)]
    [InlineData(Goal.GoalLifecycleStatus.Accepted, GoalStatus.Proposed)]
    [InlineData(Goal.GoalLifecycleStatus.Active, GoalStatus.Active)]
    [InlineData(Goal.GoalLifecycleStatus.OnHold, GoalStatus.Active)]
    [InlineData(Goal.GoalLifecycleStatus.Completed, GoalStatus.Completed)]
    [InlineData(Goal.GoalLifecycleStatus.Cancelled, GoalStatus.Cancelled)]
    [InlineData(Goal.GoalLifecycleStatus.EnteredInError, GoalStatus.Cancelled)]
    [InlineData(Goal.GoalLifecycleStatus.Rejected, GoalStatus.Cancelled)]
    public void AGoalsLifecycle_IsItsEngineStatus(Goal.GoalLifecycleStatus lifecycle, GoalStatus status)
    {
        var plan = Plan("cp", Activity());
        plan.Goal = [new("Goal/g")];
        var goal = new Goal { Id = "g", LifecycleStatus = lifecycle, Description = new CodeableConcept { Text = "x" }, Subject = Patient() };

        Assert.Equal(status, Assert.Single(Single(Read(plan, goal), r => r.CarePlans).Goals).Status);
    }

    [Theory]
    [InlineData(1, Timing.UnitsOfTime.D, "P1D")]
    [InlineData(2, Timing.UnitsOfTime.Wk, "P2W")]
    [InlineData(3, Timing.UnitsOfTime.Mo, "P3M")]
    [InlineData(1000, Timing.UnitsOfTime.A, "P1000Y")]
    public void ARecurringActivitysCadence_IsItsPeriodInItsUnit(int period, Timing.UnitsOfTime unit, string every)
    {
        var timing = new Timing { Repeat = new Timing.RepeatComponent { Period = period, PeriodUnit = unit, Frequency = 1, Bounds = new FhirPeriod { Start = "2027-01-04" } } };

        var activity = Assert.Single(Single(Read(Plan("cp", Activity(scheduled: timing))), r => r.CarePlans).Activities);

        Assert.Equal((ActivityKind.Recurring, NodaTime.Text.PeriodPattern.Roundtrip.Parse(every).Value, new NodaTime.LocalDate(2027, 1, 4)), (activity.Kind, activity.Every, activity.FirstDue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    [InlineData(1.5)]
    public void ACadenceOutsideOneTo1000WholePeriods_IsRefused(double period)
    {
        var timing = new Timing { Repeat = new Timing.RepeatComponent { Period = (decimal)period, PeriodUnit = Timing.UnitsOfTime.D, Bounds = new FhirPeriod { Start = "2027-01-04" } } };

        Assert.Equal(
            [new ValidationError("entry[0].resource.activity[0].detail.scheduled.repeat.period", "activity 'activity-1': the cadence is a whole number (1 to 1000) of days, weeks, months or years (periodUnit d, wk, mo, a)")],
            Read(Plan("cp", Activity(scheduled: timing))).Errors);
    }

    [Fact]
    public void AnActivityOfAServiceRequestKind_IsAnOrder_UnlessItRecurs()
    {
        var order = Activity(scheduled: new FhirPeriod { Start = "2026-12-10", End = "2027-01-01" });
        order.Detail.Kind = CarePlan.CarePlanActivityKind.ServiceRequest;
        var recurring = Activity("r", scheduled: new Timing { Repeat = new Timing.RepeatComponent { Period = 1, PeriodUnit = Timing.UnitsOfTime.Mo, Bounds = new FhirPeriod { Start = "2027-01-04" } } });
        recurring.Detail.Kind = CarePlan.CarePlanActivityKind.ServiceRequest;
        var appointment = Activity("a");
        appointment.Detail.Kind = CarePlan.CarePlanActivityKind.Appointment;

        var plan = Single(Read(Plan("cp", order, recurring, appointment)), r => r.CarePlans);

        Assert.Equal([ActivityKind.Order, ActivityKind.Recurring, ActivityKind.OneOff], plan.Activities.Select(a => a.Kind));
        Assert.Equal(new NodaTime.LocalDate(2026, 12, 10), plan.Activities[0].NotBefore);
    }

    [Fact]
    public void TheEnginesPlanRules_PointAtTheActivityAndFieldTheyAreAbout()
    {
        var over = Activity("done", CarePlan.CarePlanActivityStatus.Completed);
        var undated = Activity("undated", scheduled: new FhirPeriod { Start = "2027-02-01" });
        undated.Detail.Kind = CarePlan.CarePlanActivityKind.ServiceRequest;
        var plan = Plan(
            "cp",
            over,
            Activity("twice"),
            Activity("twice"),
            Activity("loud", extensions: new Extension("priority", new PositiveInt(101))),
            Activity("lost", extensions: new Extension("follows", null) { Extension = [new Extension("activity", new FhirString("nowhere"))] }),
            undated);
        plan.Goal = [new("#g1"), new("#g2")];
        plan.Contained =
        [
            new Goal { Id = "g1", Identifier = [new Identifier("urn:ehr:goal", "same")], LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "x" }, Subject = Patient() },
            new Goal { Id = "g2", Identifier = [new Identifier("urn:ehr:goal", "same")], LifecycleStatus = Goal.GoalLifecycleStatus.Active, Description = new CodeableConcept { Text = "y" }, Subject = Patient() },
        ];

        Assert.Equal(
            [
                ("entry[0].resource.goal[1]", "care plan 'cp': goals[1].id duplicate goal id 'same'"),
                ($"entry[0].resource.activity[2].extension('{CareActivity}')", "care plan 'cp': activities[1].id duplicate activity id 'twice'"),
                ($"entry[0].resource.activity[3].extension('{CareActivity}')", "care plan 'cp': activities[2].priority must be from 1 to 100, found 101"),
                ($"entry[0].resource.activity[4].extension('{CareActivity}')", "care plan 'cp': activities[3].after[0].activityId unknown activity 'nowhere'"),
                ("entry[0].resource.activity[5].detail.scheduled.end", "care plan 'cp': activities[4].dueBy a Order activity needs the last date it may take place"),
            ],
            Read(plan).Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void ACycleOfLinks_PointsAtTheActivities()
    {
        static Extension Follows(string activity) => new("follows", null) { Extension = [new Extension("activity", new FhirString(activity))] };

        Assert.Equal(
            ["entry[0].resource.activity"],
            Read(Plan("cp", Activity("a", extensions: Follows("b")), Activity("b", extensions: Follows("a")))).Errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("coded", "cardiology")]
    [InlineData("text", "Heart clinic")]
    [InlineData("code", "394579002")]
    [InlineData("performer", "fac-east")]
    public void AReferralsTarget_IsItsEngineTarget_ElseItsPerformerTypesText_ElseItsCode_ElseItsPerformer(string shape, string target)
    {
        var referral = new ServiceRequest
        {
            Id = "r1", Status = RequestStatus.Active, Intent = RequestIntent.Order, Subject = Patient(), Category = [new CodeableConcept("http://snomed.info/sct", "3457005")],
            Requester = new ResourceReference { Identifier = new Identifier("urn:medcoord:provider", "dr-lee") },
            PerformerType = shape switch
            {
                "coded" => new CodeableConcept { Text = "Heart clinic", Coding = [new Coding("http://snomed.info/sct", "394579002"), new Coding("urn:medcoord:code:referral-target", "cardiology")] },
                "text" => new CodeableConcept { Text = "Heart clinic", Coding = [new Coding("http://snomed.info/sct", "394579002")] },
                "code" => new CodeableConcept { Coding = [new Coding("http://snomed.info/sct", string.Empty), new Coding("http://snomed.info/sct", "394579002")] },
                _ => null,
            },
            Performer = [new ResourceReference("urn:uuid:00000000-0000-4000-8000-999999999999"), new ResourceReference("Organization/east")],
        };
        var east = new Organization { Id = "east", Identifier = [new Identifier("http://hl7.org/fhir/sid/us-npi", "1234567893"), new Identifier("urn:medcoord:facility", "fac-east")] };

        Assert.Equal(target, Single(Read(referral, east), r => r.Referrals).Target);
    }

    [Theory]
    [InlineData(RequestPriority.Routine, ReferralPriority.Routine)]
    [InlineData(RequestPriority.Urgent, ReferralPriority.Urgent)]
    [InlineData(RequestPriority.Asap, ReferralPriority.Asap)]
    [InlineData(RequestPriority.Stat, ReferralPriority.Stat)]
    [InlineData(null, ReferralPriority.Routine)]
    public void AReferralsPriority_IsItsEnginePriority(RequestPriority? priority, ReferralPriority expected)
    {
        var referral = new ServiceRequest
        {
            Id = "r1", Status = RequestStatus.Draft, Intent = RequestIntent.Order, Subject = Patient(), Code = new CodeableConcept("http://snomed.info/sct", "3457005"), Priority = priority,
            Requester = new ResourceReference { Identifier = new Identifier("urn:medcoord:provider", "dr-lee") }, PerformerType = new CodeableConcept { Text = "cardiology" },
        };

        var read = Single(Read(referral), r => r.Referrals);

        Assert.Equal((expected, false), (read.Priority, read.Sent));
    }

    [Theory]
    [InlineData("category", "telehealth")]
    [InlineData("scope", "research")]
    [InlineData("text", "privacy")]
    public void AConsentsScope_IsItsEngineCategory_ElseItsScopeCode_ElseItsScopeText(string shape, string scope)
    {
        var consent = new Hl7.Fhir.Model.Consent
        {
            Id = "c1", Status = Hl7.Fhir.Model.Consent.ConsentState.Active, Patient = Patient(),
            Category = [new CodeableConcept("http://loinc.org", "59284-0"), .. shape == "category" ? [new CodeableConcept("urn:medcoord:code:consent-scope", "telehealth")] : Array.Empty<CodeableConcept>()],
            Scope = shape == "text" ? new CodeableConcept { Text = "privacy" } : new CodeableConcept { Coding = [new Coding("http://terminology.hl7.org/CodeSystem/consentscope", string.Empty), new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "research")] },
            Provision = new Hl7.Fhir.Model.Consent.provisionComponent { Period = new FhirPeriod { Start = "2026-11-01T10:00:00-05:00" } },
        };

        var read = Single(Read(consent), r => r.Consents);

        Assert.Equal((scope, Instant.FromUtc(2026, 11, 1, 15, 0)), (read.Scope, read.GivenAt));
    }

    [Fact]
    public void AConsentWithoutAScopeOrAStart_SaysSo()
    {
        var consent = new Hl7.Fhir.Model.Consent { Id = "c1", Status = Hl7.Fhir.Model.Consent.ConsentState.Proposed, Patient = Patient(), Category = [new CodeableConcept("http://loinc.org", "59284-0")] };

        Assert.Equal(
            [
                ("entry[0].resource.scope", "consent 'c1' has no scope"),
                ("entry[0].resource.provision.period.start", "consent 'c1' given (dateTime, else provision.period.start): missing"),
                ("entry[0].resource.status", "consent 'c1': only active, inactive and rejected consents are taken in, found proposed"),
            ],
            Read(consent).Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void AnIntakesVisit_IsItsIntakeIdentifier_ElseItsEncountersVisit_ElseItsIdentifier()
    {
        QuestionnaireResponse Of(string id, Identifier? identifier, string? encounter) => new()
        {
            Id = id, Identifier = identifier, Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended, Subject = Patient(), Authored = "2026-12-01T10:00:00Z",
            Encounter = encounter is null ? null : new ResourceReference(encounter),
        };
        var encounter = new Encounter { Id = "e2", Identifier = [new Identifier("urn:ehr:encounter", "ENC-2"), new Identifier("urn:medcoord:visit", "visit-2")], Status = Encounter.EncounterStatus.Finished, Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB") };

        var read = Read(
            Of("q1", new Identifier("urn:medcoord:intake-response", "visit-1"), "Encounter/e2"),
            Of("q2", new Identifier("urn:ehr:form", "FORM-3"), "Encounter/e2"),
            Of("q3", new Identifier("urn:ehr:form", "visit-3"), null),
            encounter);

        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        Assert.Equal(["visit-1", "visit-2", "visit-3"], read.Records!.Intakes.Select(i => i.VisitId));
    }

    [Fact]
    public void BadReferralsAndIntakes_SayWhatIsMissing()
    {
        var referral = new ServiceRequest { Id = "r1", Status = RequestStatus.Revoked, Intent = RequestIntent.Order, Code = new CodeableConcept("http://snomed.info/sct", "3457005") };
        var intake = new QuestionnaireResponse { Identifier = new Identifier("urn:medcoord:intake-response", "v9"), Status = QuestionnaireResponse.QuestionnaireResponseStatus.Stopped, Subject = Patient(), Authored = "2026-12-01" };

        Assert.Equal(
            [
                ("entry[0].resource.subject", "names no patient (a reference to it, or its identifier)"),
                ("entry[0].resource.requester", "names no referring provider (a reference to it, or its identifier)"),
                ("entry[0].resource.performerType", "referral 'r1' names no target (a specialty as performerType, or a performer)"),
                ("entry[0].resource.status", "referral 'r1': only draft and active referrals are taken in, found revoked"),
                ("entry[1].resource.status", "intake for visit 'v9': only completed and amended responses are taken in, found stopped"),
                ("entry[1].resource.authored", "intake for visit 'v9' authored: not a date-time with a time and an offset"),
            ],
            Read(referral, intake).Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void AnActivitysType_IsTheEnginesCoding_ElseTheSchedulingBundlesCoding_ElseTheFirstCode()
    {
        CarePlan.ActivityComponent Typed(string id, params Coding[] codings)
        {
            var activity = Activity(id);
            activity.Detail.Code = new CodeableConcept { Coding = [.. codings] };
            return activity;
        }

        var plan = Single(Read(Plan(
            "cp",
            Typed("a", new Coding("http://snomed.info/sct", "1"), new Coding("https://medcoord.dev/fhir/CodeSystem/appointment-type", "two"), new Coding("urn:medcoord:appointment-type", "one")),
            Typed("b", new Coding("http://snomed.info/sct", "1"), new Coding("https://medcoord.dev/fhir/CodeSystem/appointment-type", "two")),
            Typed("c", new Coding("http://snomed.info/sct", string.Empty), new Coding("http://snomed.info/sct", "3")))), r => r.CarePlans);

        Assert.Equal(["one", "two", "3"], plan.Activities.Select(a => a.AppointmentTypeId));
    }

    [Fact]
    public void BadActivities_SayWhatIsWrong()
    {
        var untyped = Activity("untyped");
        untyped.Detail.Code = new CodeableConcept { Text = "eye exam" };
        var twice = Activity("twice", scheduled: new Timing { Repeat = new Timing.RepeatComponent { Period = 1, PeriodUnit = Timing.UnitsOfTime.D, Frequency = 2, Bounds = new FhirPeriod { Start = "2027-01" } } });
        var plan = Plan(
            "cp",
            untyped,
            Activity("started", CarePlan.CarePlanActivityStatus.InProgress),
            twice,
            Activity("dated", scheduled: new FhirPeriod { Start = "2027", End = "2027-02" }),
            Activity("timed", scheduled: new FhirString("tomorrow")),
            new CarePlan.ActivityComponent { Reference = new ResourceReference("Appointment/a1") },
            Activity("linked", extensions: new Extension("follows", null) { Extension = [new Extension("minGapMinutes", new UnsignedInt(5))] }));
        plan.Goal = [new("Goal/gone")];

        Assert.Equal(
            [
                ("entry[0].resource.goal[0]", "not a Goal in the bundle or contained in the plan"),
                ("entry[0].resource.activity[0].detail.code", "activity 'untyped' names no appointment type (a coding of urn:medcoord:appointment-type)"),
                ("entry[0].resource.activity[1].detail.status", "activity 'started': only not-started activities (and those over: completed, cancelled, stopped, entered-in-error) are taken in, found in-progress; the engine books what is scheduled itself"),
                ("entry[0].resource.activity[2].detail.scheduled.repeat.frequency", "activity 'twice': one occurrence per period is taken in, found 2"),
                ("entry[0].resource.activity[2].detail.scheduled.repeat.bounds.start", "activity 'twice' first due date: not a full date (YYYY-MM-DD, or a date-time whose date is read as written)"),
                ("entry[0].resource.activity[3].detail.scheduled.start", "activity 'dated' start: not a full date (YYYY-MM-DD, or a date-time whose date is read as written)"),
                ("entry[0].resource.activity[3].detail.scheduled.end", "activity 'dated' end: not a full date (YYYY-MM-DD, or a date-time whose date is read as written)"),
                ("entry[0].resource.activity[4].detail.scheduled", "activity 'timed': a schedule is a Period (one-off or order) or a Timing with repeat (recurring)"),
                ("entry[0].resource.activity[5].detail", "only activities described inline (detail) are taken in"),
                ($"entry[0].resource.activity[6].extension('{CareActivity}').extension('follows')", "activity 'linked': a follows link names no activity"),
            ],
            Read(plan).Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void IdsAndPeople_AreTheEngineIdentifiers_AndAMissingIdSaysSo()
    {
        var patient = new Patient { Id = "p1", Identifier = [new Identifier("http://hospital.example/mrn", "MRN-1"), new Identifier("urn:medcoord:patient", "pat-1")] };
        var referral = new ServiceRequest
        {
            Id = "sr", Identifier = [new Identifier("urn:ehr:order", "ORD-1"), new Identifier("urn:medcoord:referral", "ref-1")], Status = RequestStatus.Active, Intent = RequestIntent.Order,
            Code = new CodeableConcept("http://snomed.info/sct", "3457005"), Subject = new ResourceReference("Patient/p1"), Requester = new ResourceReference { Identifier = new Identifier("urn:medcoord:provider", "dr-lee") },
            PerformerType = new CodeableConcept { Text = "cardiology" },
        };
        var consent = new Hl7.Fhir.Model.Consent
        {
            Id = "c", Identifier = [new Identifier("urn:ehr:consent", "CON-1"), new Identifier("urn:medcoord:consent", "con-1")], Status = Hl7.Fhir.Model.Consent.ConsentState.Inactive,
            Patient = new ResourceReference("Patient/p1"), Scope = new CodeableConcept { Text = "as text", Coding = [new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "treatment")] },
            DateTime = "2026-11-01T10:00:00Z", Provision = new Hl7.Fhir.Model.Consent.provisionComponent { Period = new FhirPeriod { End = "2026-11-01T10:00:00Z" } },
        };
        var intake = new QuestionnaireResponse
        {
            Identifier = new Identifier("urn:medcoord:intake-response", "visit-1"), Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed, Subject = new ResourceReference("Patient/p1"), Authored = "2026-12-01T10:00:00Z",
        };
        var bundle = Collection(patient, referral, consent, intake);
        bundle.Timestamp = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

        var read = EngineBundle.Import(bundle);

        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        Assert.Equal(("ref-1", "pat-1"), (read.Records!.Referrals[0].Id, read.Records.Referrals[0].PatientId));
        Assert.Equal(new MedCoord.Engine.Visits.Consent("con-1", "pat-1", "treatment", Instant.FromUtc(2026, 11, 1, 10, 0), null, Instant.FromUtc(2026, 11, 1, 10, 0)), read.Records.Consents[0]);
        Assert.Equal("pat-1", read.Records.Intakes[0].PatientId);
        Assert.Equal(
            [("entry[0].resource.identifier", "the referral has no identifier or id")],
            Read(new ServiceRequest { Status = RequestStatus.Active, Intent = RequestIntent.Order, Code = referral.Code, Subject = Patient(), Requester = referral.Requester, PerformerType = referral.PerformerType }).Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void AConsent_EndingBeforeItWasGiven_OrWithABadDate_SaysSo()
    {
        Hl7.Fhir.Model.Consent Of(string dateTime, string end) => new()
        {
            Id = "c", Status = Hl7.Fhir.Model.Consent.ConsentState.Active, Patient = Patient(), Scope = new CodeableConcept { Text = "treatment" }, DateTime = dateTime,
            Provision = new Hl7.Fhir.Model.Consent.provisionComponent { Period = new FhirPeriod { End = end } },
        };

        Assert.Equal([("entry[0].resource.provision.period.end", "consent 'c' ends before it was given")], Read(Of("2026-11-01T10:00:00Z", "2026-11-01T09:59:00Z")).Errors.Select(e => (e.Path, e.Message)));
        Assert.Equal(
            [("entry[0].resource.dateTime", "consent 'c' given: not a date-time with a time and an offset"), ("entry[0].resource.provision.period.end", "consent 'c' end: not a date-time with a time and an offset")],
            Read(Of("2026-11-01", "2027-11-01")).Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void AConsentsScope_ThatIsBlank_IsNoScope()
    {
        var consent = new Hl7.Fhir.Model.Consent { Id = "c", Status = Hl7.Fhir.Model.Consent.ConsentState.Active, Patient = Patient(), Scope = new CodeableConcept { Text = string.Empty }, DateTime = "2026-11-01T10:00:00Z" };

        Assert.Equal([("entry[0].resource.scope", "consent 'c' has no scope")], Read(consent).Errors.Select(e => (e.Path, e.Message)));
    }
}
