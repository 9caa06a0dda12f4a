#nullable disable
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedCoord.Engine.Referrals;
using VisitStatus = MedCoord.Engine.Visits.VisitStatus;
using Xunit;
using static MedCoord.Fhir.Tests.EngineRecordsFixture;

namespace MedCoord.Fhir.Tests;

/// <summary>The engine's records as one bundle: every kind, every status, valid against the base R4 profiles, and each field where docs/fhir.md says.</summary>
public sealed class EngineBundleTests
{
    private static readonly EngineBundleOptions Options = new() { AppointmentMinutes = new Dictionary<string, int>(StringComparer.Ordinal) { ["new-patient"] = 40 } };
    // Exported afresh for each test (xunit makes an instance per test), so that each test's assertions see what the
    // code it runs writes, and a mutation tool's per-test coverage counts every test that reads the bundle.
    private readonly Lazy<Bundle> _exported = new(() => EngineBundle.Export(EngineRecordsFixture.All(), Trail(), Options));

    private Bundle Bundle => _exported.Value;

    private IEnumerable<T> All<T>()
        where T : Resource => Bundle.Entry.Select(e => e.Resource).OfType<T>();

    private T One<T>(string system, string value)
        where T : Resource => All<T>().Single(r => IdentifiersOf(r).Any(i => i.System == system && i.Value == value));

    private static IEnumerable<Identifier> IdentifiersOf(Resource resource) => resource switch
    {
        QuestionnaireResponse q => q.Identifier is null ? [] : [q.Identifier],
        _ => resource.GetType().GetProperty("Identifier")?.GetValue(resource) as IEnumerable<Identifier> ?? [],
    };

    private T Resolve<T>(ResourceReference reference)
        where T : Resource => (T)Bundle.Entry.Single(e => e.FullUrl == reference.Reference).Resource;

    [Fact]
    public void Export_EveryKindInEveryStatus_HasNoValidationErrors()
    {
        var errors = FhirValidation.Errors(Bundle);

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Export_EveryReferenceToAUrn_ResolvesInsideTheBundle_AndFullUrlsAreUnique()
    {
        var urls = Bundle.Entry.Select(e => e.FullUrl).ToList();
        var references = Bundle.Entry.SelectMany(e => FhirValidation.Descendants(e.Resource)).OfType<ResourceReference>().Where(r => r.Reference is not null).Select(r => r.Reference).ToList();

        Assert.Equal(urls.Count, urls.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Bundle.Entry, e => Assert.Equal($"urn:uuid:{e.Resource.Id}", e.FullUrl));
        Assert.True(references.Count > 100);
        Assert.All(references, r => Assert.Contains(r, urls));
    }

    [Fact]
    public void Export_TwiceTheSameRecords_GivesTheSameJson()
    {
        var json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

        Assert.Equal(JsonSerializer.Serialize(Bundle, json), JsonSerializer.Serialize(EngineBundle.Export(EngineRecordsFixture.All(), Trail(), Options), json));
    }

    [Fact]
    public void Export_HasAResourceForEveryRecord()
    {
        var records = EngineRecordsFixture.All();

        Assert.Equal(records.CarePlans.Count, All<CarePlan>().Count());
        Assert.Equal(records.CarePlans.Sum(p => p.Goals.Count), All<Goal>().Count());
        Assert.Equal(records.Visits.Count, All<Appointment>().Count());
        Assert.Equal(records.Visits.Count, All<Encounter>().Count());
        Assert.Equal(records.Consents.Count, All<Consent>().Count());
        Assert.Equal(records.Intakes.Count, All<QuestionnaireResponse>().Count());
        Assert.Equal(records.Results.Count, All<DiagnosticReport>().Count());
        Assert.Equal(records.Results.Count, All<Observation>().Count());
        Assert.Equal(records.Results.Sum(r => r.Tasks.Count) + records.Referrals.Count, All<Hl7.Fhir.Model.Task>().Count());
        Assert.Equal(records.Results.Count + records.Referrals.Count, All<ServiceRequest>().Count());
        Assert.Equal(records.Messages.Count, All<CommunicationRequest>().Count());
        Assert.Equal(records.Messages.Count(m => m.Delivery is not null), All<Communication>().Count());
        Assert.Equal(records.Claims.Count, All<Claim>().Count());
        Assert.Equal(records.Claims.Sum(c => c.Payments.Count), All<ExplanationOfBenefit>().Count());
        Assert.Equal(3, All<Coverage>().Count());
        Assert.Equal(Trail().Count, All<AuditEvent>().Count());
        Assert.Equal(["pat-a", "pat-b", "pat-c"], All<Patient>().Select(p => p.Identifier.Single().Value));
    }

    [Fact]
    public void CarePlan_CarriesStatusesCadenceWindowAndTheVisitsOfItsActivities()
    {
        var plan = One<CarePlan>("urn:medcoord:care-plan", "plan-1");
        var (recurring, oneOff, order, odd) = (plan.Activity[0].Detail, plan.Activity[1].Detail, plan.Activity[2].Detail, plan.Activity[3].Detail);

        Assert.Equal(RequestStatus.Active, plan.Status);
        Assert.Equal(CarePlan.CarePlanIntent.Plan, plan.Intent);
        Assert.Equal(CarePlan.CarePlanActivityStatus.Scheduled, recurring.Status);
        Assert.Equal(CarePlan.CarePlanActivityStatus.Completed, oneOff.Status);
        Assert.Equal(CarePlan.CarePlanActivityStatus.EnteredInError, order.Status);
        var repeat = Assert.IsType<Timing>(recurring.Scheduled).Repeat;
        Assert.Equal((3m, Timing.UnitsOfTime.Mo, "2026-12-08"), (repeat.Period, repeat.PeriodUnit, ((Period)repeat.Bounds).Start));
        Assert.Equal((33.4375m, Timing.UnitsOfTime.D), (Assert.IsType<Timing>(odd.Scheduled).Repeat.Period!.Value, Assert.IsType<Timing>(odd.Scheduled).Repeat.PeriodUnit!.Value));
        Assert.Equal(("2026-12-07", "2026-12-11"), (((Period)oneOff.Scheduled).Start, ((Period)oneOff.Scheduled).End));
        Assert.Equal(CarePlan.CarePlanActivityKind.ServiceRequest, order.Kind);
        Assert.Equal(CarePlan.CarePlanActivityKind.Appointment, oneOff.Kind);
        Assert.Equal("new-patient", oneOff.Code.Coding.Single().Code);
        Assert.Equal("plan-1/consult/1", Resolve<Appointment>(plan.Activity[1].OutcomeReference.Single()).Identifier[0].Value);
        Assert.Empty(One<CarePlan>("urn:medcoord:care-plan", "plan-2").Activity[1].OutcomeReference);
        Assert.Equal("1 occurrence(s) done, the last on 2026-09-18", plan.Activity[0].Progress.Single().Text);
        Assert.Equal(Goal.GoalLifecycleStatus.Active, Resolve<Goal>(plan.Goal.Single()).LifecycleStatus);
        Assert.Equal("HbA1c below 7%", Resolve<Goal>(plan.Goal.Single()).Description.Text);
    }

    [Fact]
    public void Visit_IsAnAppointmentAndAnEncounter_EndFromTheTypeOrMarkedAbsent()
    {
        var booked = One<Appointment>("urn:medcoord:visit", "plan-1/consult/1");
        var unknownType = One<Appointment>("urn:medcoord:visit", "visit-1");
        var fulfilled = One<Encounter>("urn:medcoord:visit", "visit-3");
        var cancelled = One<Appointment>("urn:medcoord:visit", "visit-4");
        var noShow = One<Encounter>("urn:medcoord:visit", "visit-5");

        Assert.Equal((Appointment.AppointmentStatus.Booked, T0.ToDateTimeOffset(), T0.ToDateTimeOffset().AddMinutes(40), 40), (booked.Status!.Value, booked.Start!.Value, booked.End!.Value, booked.MinutesDuration!.Value));
        Assert.Equal("plan-1/consult/1", booked.Identifier[1].Value);
        Assert.Null(unknownType.End);
        Assert.Equal("unknown", ((Code)unknownType.EndElement.Extension.Single(e => e.Url == "http://hl7.org/fhir/StructureDefinition/data-absent-reason").Value).Value);
        Assert.Equal(Appointment.AppointmentStatus.Arrived, unknownType.Status);
        Assert.Equal((Encounter.EncounterStatus.Finished, "2026-12-07T17:50:00Z", "2026-12-07T18:40:00Z"), (fulfilled.Status!.Value, fulfilled.Period.Start, fulfilled.Period.End));
        Assert.Equal([Encounter.EncounterStatus.Arrived, Encounter.EncounterStatus.InProgress, Encounter.EncounterStatus.Finished], fulfilled.StatusHistory.Select(h => h.Status!.Value));
        Assert.Equal((Appointment.AppointmentStatus.Cancelled, "patient called"), (cancelled.Status!.Value, cancelled.CancelationReason.Text));
        Assert.Equal(Encounter.EncounterStatus.Cancelled, noShow.Status);
        var noShowAppointment = Resolve<Appointment>(noShow.Appointment.Single());
        Assert.Equal((Appointment.AppointmentStatus.Noshow, null), (noShowAppointment.Status, noShowAppointment.CancelationReason));
        var noShowReason = Assert.IsType<CodeableConcept>(noShowAppointment.GetExtensionValue<DataType>("https://medcoord.dev/fhir/StructureDefinition/no-show-reason"));
        Assert.Equal(("NoShow", "no call"), (noShowReason.Coding.Single().Code, noShowReason.Text));
        Assert.Empty(cancelled.Extension);
        Assert.Empty(booked.Extension);
        Assert.Equal("pat-a", Resolve<Patient>(booked.Participant.Single().Actor).Identifier.Single().Value);
    }

    [Fact]
    public void NoShow_MarkedByTheEngineWithoutAReason_HasNoReasonExtension()
    {
        var records = EngineRecordsFixture.All();
        var marked = records.Visits.Single(v => v.Status == VisitStatus.NoShow);
        marked = marked with { History = [marked.History.Single() with { Reason = null }] };
        var bundle = EngineBundle.Export(records with { Visits = [marked] }, [], Options);

        var appointment = bundle.Entry.Select(e => e.Resource).OfType<Appointment>().Single();
        Assert.Equal(Appointment.AppointmentStatus.Noshow, appointment.Status);
        Assert.Empty(appointment.Extension);
        Assert.Null(appointment.CancelationReason);
    }

    [Fact]
    public void ConsentAndIntake_CarryStatusPeriodAndTheEncounter()
    {
        var active = One<Consent>("urn:medcoord:consent", "consent-active");
        var expired = One<Consent>("urn:medcoord:consent", "consent-expired");
        var revoked = One<Consent>("urn:medcoord:consent", "consent-revoked");
        var intake = One<QuestionnaireResponse>("urn:medcoord:intake-response", "plan-1/consult/1");

        Assert.Equal((Consent.ConsentState.Active, "treatment", (string)null), (active.Status!.Value, active.Scope.Coding[0].Code, active.Provision.Period.End));
        Assert.Equal((Consent.ConsentState.Inactive, "treatment", "telehealth"), (expired.Status!.Value, expired.Scope.Coding[0].Code, expired.Category[0].Coding[1].Code));
        Assert.Equal((Consent.ConsentState.Inactive, "research", "2026-12-06T15:00:00Z"), (revoked.Status!.Value, revoked.Scope.Coding[0].Code, revoked.Provision.Period.End));
        Assert.Equal("plan-1/consult/1", Resolve<Encounter>(intake.Encounter).Identifier[0].Value);
        Assert.Equal("2026-12-07T14:00:00Z", intake.Authored);
        Assert.Null(One<QuestionnaireResponse>("urn:medcoord:intake-response", "visit-gone").Encounter);
    }

    [Fact]
    public void Result_IsAReportWithItsObservationOrderAndRelayTasks()
    {
        var report = All<DiagnosticReport>().Single(r => r.Identifier[0].Value == "res-hba1c");
        var observation = Resolve<Observation>(report.Result.Single());
        var order = Resolve<ServiceRequest>(report.BasedOn.Single());
        var tasks = All<Hl7.Fhir.Model.Task>().Where(t => t.Focus?.Reference == Bundle.Entry.Single(e => e.Resource == report).FullUrl).ToList();

        Assert.Equal((DiagnosticReport.DiagnosticReportStatus.Final, "2"), (report.Status!.Value, report.Meta.VersionId));
        Assert.Equal(("LAB", "laboratory", "A"), (report.Category.Single().Coding[0].Code, observation.Category.Single().Coding[0].Code, observation.Interpretation.Single().Coding[0].Code));
        Assert.Equal("dr-lopez", order.Requester.Identifier.Value);
        Assert.Equal(
            [
                (Hl7.Fhir.Model.Task.TaskStatus.Cancelled, "provider-review", RequestPriority.Urgent, "dr-lopez"),
                (Hl7.Fhir.Model.Task.TaskStatus.Completed, "provider-review", RequestPriority.Urgent, "dr-lopez"),
                (Hl7.Fhir.Model.Task.TaskStatus.Requested, "patient-notification", RequestPriority.Urgent, "pat-a"),
            ],
            tasks.Select(t => (t.Status!.Value, t.Code.Coding[0].Code, t.Priority!.Value, t.Owner.Identifier?.Value ?? Resolve<Patient>(t.Owner).Identifier[0].Value)));
        Assert.Equal("released", tasks[2].BusinessStatus.Coding[0].Code);
        Assert.Equal("superseded", tasks[0].StatusReason.Coding[0].Code);
        Assert.Equal([2], tasks.Skip(1).Select(t => ((Integer)t.Input.Single().Value).Value!.Value).Distinct());
        Assert.Equal(ObservationStatus.Amended, All<Observation>().Single(o => o.Identifier[0].Value == "res-lipids").Status);
        Assert.Equal("RAD", All<DiagnosticReport>().Single(o => o.Identifier[0].Value == "res-xray").Category.Single().Coding[0].Code);
        Assert.Empty(All<DiagnosticReport>().Single(o => o.Identifier[0].Value == "res-lipids").Category);
    }

    [Fact]
    public void Referral_IsAServiceRequestAndATask_BusinessStatusTheLifecycle_DueDateTheReportLimit()
    {
        foreach (var status in Enum.GetValues<ReferralStatus>())
        {
            var id = $"ref-{status.ToString().ToLowerInvariant()}";
            var task = All<Hl7.Fhir.Model.Task>().Single(t => t.Identifier[0].System == "urn:medcoord:referral" && t.Identifier[0].Value == id);
            var request = Resolve<ServiceRequest>(task.Focus);

            Assert.Equal(status.ToString(), task.BusinessStatus.Coding.Single().Code);
            Assert.Equal(MedCoord.Engine.Fhir.FhirCodes.TaskCode(status), Hl7.Fhir.Utility.EnumUtility.GetLiteral(task.Status));
            Assert.Equal(id, request.Identifier.Single().Value);
            Assert.Equal("dr-lopez", request.Requester.Identifier.Value);
            var priority = (ReferralPriority)(Array.IndexOf(Enum.GetValues<ReferralStatus>(), status) % 4);
            if (status == ReferralStatus.Draft)
            {
                Assert.Null(task.Restriction);
            }
            else
            {
                Assert.Equal(Fhir.DateTime(T0 - NodaTime.Duration.FromDays(9) + new ReferralOptions().Limits[priority].Report), task.Restriction.Period.End);
            }
        }

        Assert.Equal(RequestStatus.Revoked, One<ServiceRequest>("urn:medcoord:referral", "ref-expired").Status);
        Assert.Equal(RequestStatus.Completed, One<ServiceRequest>("urn:medcoord:referral", "ref-reportreceived").Status);
        Assert.Equal(RequestPriority.Urgent, One<ServiceRequest>("urn:medcoord:referral", "ref-sent").Priority);
        Assert.Equal("FAC-001", One<ServiceRequest>("urn:medcoord:referral", "ref-sent").PerformerType.Text);
    }

    [Fact]
    public void Messages_AreCommunicationRequests_ReportedOnesAlsoCommunications()
    {
        var delivered = One<CommunicationRequest>("urn:medcoord:outbox-message", "plan-1/consult/1/reminder-48h");
        var cancelled = One<CommunicationRequest>("urn:medcoord:outbox-message", "visit-1/follow-up");
        var failed = One<Communication>("urn:medcoord:outbox-message", "visit-3/follow-up");
        var notification = All<CommunicationRequest>().Single(r => r.Category.Any(c => c.Coding[0].Code == "result-ready"));

        Assert.Equal((RequestStatus.Completed, "reminder", "reminder-48h"), (delivered.Status!.Value, delivered.Category[0].Coding[0].Code, delivered.Category[2].Coding[0].Code));
        Assert.Equal("plan-1/consult/1", Resolve<Appointment>(delivered.About.Single()).Identifier[0].Value);
        Assert.Equal(RequestStatus.Revoked, cancelled.Status);
        Assert.Equal(RequestStatus.Active, One<CommunicationRequest>("urn:medcoord:outbox-message", "visit-3/follow-up").Status);
        Assert.Equal((EventStatus.NotDone, "Failed"), (failed.Status!.Value, failed.StatusReason.Coding[0].Code));
        Assert.Equal("2026-12-07T15:01:00Z", One<Communication>("urn:medcoord:outbox-message", notification.Identifier[0].Value).Received);
        Assert.Equal("res-hba1c", Resolve<DiagnosticReport>(notification.About.Single()).Identifier[0].Value);
        Assert.Equal("patient-notification", Resolve<Hl7.Fhir.Model.Task>(notification.BasedOn.Single()).Code.Coding[0].Code);
    }

    [Fact]
    public void Claim_CarriesDiagnosesInSequence_ItemsWithPointersModifiersAndPlaceOfService_AndThePatientsPerson()
    {
        var claim = One<Claim>("urn:medcoord:claim", "CLM-1");
        var patient = Resolve<Patient>(claim.Patient);

        Assert.Equal([(1, "E11.9"), (2, "I10"), (3, "Z79.4")], claim.Diagnosis.Select(d => (d.Sequence!.Value, ((CodeableConcept)d.Diagnosis).Coding[0].Code)));
        Assert.Equal(
            [
                ("http://www.ama-assn.org/go/cpt", "99204", "1,2", "25", "11", 245.00m),
                ("http://www.ama-assn.org/go/cpt", "97110", "3", "GP,59", "11", 120.00m),
                ("https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "G0439", "1", string.Empty, "22", 175.50m),
            ],
            claim.Item.Select(i => (i.ProductOrService.Coding[0].System, i.ProductOrService.Coding[0].Code, string.Join(",", i.DiagnosisSequence), string.Join(",", i.Modifier.Select(m => m.Coding[0].Code)),
                ((CodeableConcept)i.Location).Coding[0].Code, i.Net.Value!.Value)));
        Assert.Equal(60.00m, claim.Item[1].UnitPrice.Value);
        Assert.All(claim.Item, i => Assert.Equal("plan-1/consult/1", Resolve<Encounter>(i.Encounter.Single()).Identifier[0].Value));
        Assert.All(One<Claim>("urn:medcoord:claim", "CLM-2").Item, i => Assert.Equal("visit-3", Resolve<Encounter>(i.Encounter.Single()).Identifier[0].Value));
        Assert.Equal(540.50m, claim.Total.Value);
        Assert.Equal(("Rivera", "Ana", "1968-04-12", AdministrativeGender.Female, "80202"), (patient.Name[0].Family, patient.Name[0].Given.Single(), patient.BirthDate, patient.Gender!.Value, patient.Address[0].PostalCode));
        Assert.Equal(["AUTH-77"], claim.Insurance.Single().PreAuthRef);
        Assert.Equal("1234567893", Resolve<Organization>(claim.Provider).Identifier[0].Value);
        Assert.Equal(("Lopez", "1245319599"), (Resolve<Practitioner>(claim.CareTeam.Single().Provider).Name[0].Family, Resolve<Practitioner>(claim.CareTeam.Single().Provider).Identifier[0].Value));
        Assert.Equal(FinancialResourceStatusCodes.Active, claim.Status);
        var coverage = Resolve<Coverage>(claim.Insurance.Single().Coverage);
        Assert.Equal(("ACM123456789", "self", "GRP-5501"), (coverage.SubscriberId, coverage.Relationship.Coding[0].Code, coverage.Class.Single().Value));
        Assert.Equal([("copay", 30.00m), ("copay", 50m), ("deductible", 1000.00m), ("maxoutofpocket", 4000.00m)],
            coverage.CostToBeneficiary.Where(c => c.Value is Money).Select(c => (c.Type.Coding[0].Code, ((Money)c.Value).Value!.Value)));
        Assert.Equal(20m, ((Quantity)coverage.CostToBeneficiary.Single(c => c.Type.Coding[0].Code == "copaypct").Value).Value);
        Assert.Equal("Acme Health Plan", Resolve<Organization>(coverage.Payor.Single()).Name);
    }

    [Fact]
    public void ClaimWithEarlierPayersAndAReplacement_ListsEveryCoverage_FocalTheLast_RelatedThePayersNumber()
    {
        var claim = One<Claim>("urn:medcoord:claim", "CLM-2");
        var secondary = Resolve<Coverage>(claim.Insurance[1].Coverage);
        var subscriber = Resolve<RelatedPerson>(secondary.Subscriber);

        Assert.Equal([(1, false), (2, true)], claim.Insurance.Select(i => (i.Sequence!.Value, i.Focal!.Value)));
        Assert.Equal(("ACMEHLTH", "SECPAY"), (Resolve<Organization>(Resolve<Coverage>(claim.Insurance[0].Coverage).Payor[0]).Identifier[0].Value, Resolve<Organization>(secondary.Payor[0]).Identifier[0].Value));
        Assert.Equal(("Luis", "SPS", "spouse"), (subscriber.Name[0].Given.Single(), subscriber.Relationship[0].Coding[0].Code, secondary.Relationship.Coding[0].Code));
        Assert.Equal("PCN-OLD", claim.Related.Single().Reference.Value);
        Assert.Equal(FinancialResourceStatusCodes.Draft, claim.Status);
        Assert.Empty(claim.CareTeam);
    }

    [Fact]
    public void Payment_IsAnExplanationOfBenefit_WithAmountsAndAdjustmentsPerLine()
    {
        var eob = All<ExplanationOfBenefit>().Single();

        Assert.Equal("CLM-1", Resolve<Claim>(eob.Claim).Identifier[0].Value);
        Assert.Equal((300m, "2026-12-20"), (eob.Payment.Amount.Value!.Value, eob.Payment.Date));
        Assert.Equal([("submitted", 540.50m), ("eligible", 420m), ("benefit", 300m), ("patient-responsibility", 120m)], eob.Total.Select(t => (t.Category.Coding[0].Code, t.Amount.Value!.Value)));
        Assert.Equal(
            [("submitted", 245m), ("eligible", 180m), ("benefit", 150m), ("patient-responsibility", 30m), ("CO", 65m), ("PR", 30m)],
            eob.Item[0].Adjudication.Select(a => (a.Category.Coding[0].Code, a.Amount.Value!.Value)));
        Assert.Equal("N130", eob.Item[1].Adjudication.Last().Reason.Coding[0].Code);
        Assert.Equal(("CO", "45", 120.50m), (eob.Adjudication[0].Category.Coding[0].Code, eob.Adjudication[0].Reason.Coding[0].Code, eob.Adjudication[0].Amount.Value!.Value));
    }

    [Fact]
    public void AuditTrail_IsAnAuditEventPerEntry_PointingAtTheRecordOrThePatientsRead_WithTheChain()
    {
        var events = All<AuditEvent>().ToList();

        Assert.Equal([AuditEvent.AuditEventAction.C, AuditEvent.AuditEventAction.U, AuditEvent.AuditEventAction.R, AuditEvent.AuditEventAction.C, AuditEvent.AuditEventAction.R], events.Select(e => e.Action!.Value));
        Assert.Equal("plan-1", Resolve<CarePlan>(events[0].Entity[0].What).Identifier[0].Value);
        Assert.Equal(["pat-a", "pat-b"], events[2].Entity.Where(e => e.Role?.Code == "1").Select(e => Resolve<Patient>(e.What).Identifier[0].Value));
        Assert.Equal(("urn:medcoord:visit", "gone-visit"), (events[3].Entity[0].What.Identifier.System, events[3].Entity[0].What.Identifier.Value));
        Assert.Equal(("urn:medcoord:patient", "pat-z"), (events[4].Entity[0].What.Identifier.System, events[4].Entity[0].What.Identifier.Value));
        var chain = events[1].Entity.Last().Detail.ToDictionary(d => d.Type, d => ((FhirString)d.Value).Value);
        Assert.Equal(("2", new string('a', 64), new string('c', 64), "k1", "Plan.Saved"), (chain["sequence"], chain["previous-hash"], chain["hash"], chain["key-id"], events[1].Subtype.Single().Code));
        Assert.Equal(("coord-1", "2026-11-08T15:00:00+00:00"), (events[1].Agent.Single().Who.Identifier.Value, events[1].Recorded!.Value.ToString("yyyy-MM-ddTHH:mm:sszzz", null)));
    }

    [Fact]
    public void Export_IdsThatRunTogether_StillGiveOneResourceEach_AndAuditEntriesFindThem()
    {
        var all = EngineRecordsFixture.All();
        var plan = all.CarePlans[0];
        var records = all with
        {
            CarePlans = [plan with { Id = "a/b", Goals = [new("c", "goal one")] }, plan with { Id = "a", Goals = [new("b/c", "goal two")] }],
            Referrals = [.. all.Referrals, all.Referrals[1] with { Id = "res-hba1c" }],
        };
        var trail = new List<MedCoord.Engine.Audit.AuditEntry> { new(1, T0, "dr-lopez", "referral", "res-hba1c", "Referral.Sent", new string('0', 64), new string('a', 64)) };

        var bundle = EngineBundle.Export(records, trail);
        var requests = bundle.Entry.Select(e => e.Resource).OfType<ServiceRequest>().Where(r => r.Identifier[0].Value == "res-hba1c").ToList();
        var audit = bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().Single();

        Assert.Equal(["goal one", "goal two"], bundle.Entry.Select(e => e.Resource).OfType<Goal>().Select(g => g.Description.Text));
        Assert.Equal(["urn:medcoord:result", "urn:medcoord:referral"], requests.Select(r => r.Identifier[0].System));
        Assert.Equal(
            bundle.Entry.Single(e => e.Resource == requests[1]).FullUrl,
            audit.Entity[0].What.Reference);
    }

    [Fact]
    public void Export_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => EngineBundle.Export(null!, []));
        Assert.Throws<ArgumentNullException>(() => EngineBundle.Export(EngineRecordsFixture.All(), null!));
    }
}
