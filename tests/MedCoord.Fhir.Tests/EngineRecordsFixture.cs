using MedCoord.Engine;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Visits;
using NodaTime;
using NodaTime.Testing;

namespace MedCoord.Fhir.Tests;

/// <summary>Engine records of every kind in every status, for the mapping tests.</summary>
internal static class EngineRecordsFixture
{
    public static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 15, 0);
    public static readonly LocalDate Monday = new(2026, 12, 7);

    public static Person Ana { get; } = new("pat-a", "Rivera", "Ana", new LocalDate(1968, 4, 12), "F", new Address("120 Elm St", "Denver", "CO", "80202"));

    public static Person Luis { get; } = new("sub-1", "Rivera", "Luis", new LocalDate(1966, 1, 2), "M", new Address("120 Elm St", "Denver", "CO", "80202"));

    public static EngineRecords All()
    {
        var clock = new FakeClock(T0 - Duration.FromDays(2));
        var plans = new List<CarePlan>();
        var planStatuses = Enum.GetValues<CarePlanStatus>();
        var activityStatuses = Enum.GetValues<ActivityStatus>();
        for (var i = 0; i < planStatuses.Length; i++)
        {
            plans.Add(new CarePlan($"plan-{i}", "pat-a", planStatuses[i],
                [new CarePlanGoal("g1", "HbA1c below 7%", (GoalStatus)(i % 4))],
                [
                    new CareActivity("hba1c", ActivityKind.Recurring, "lab-draw", 4, Every: NodaTime.Period.FromMonths(3), ToleranceDays: 14, FirstDue: Monday.PlusDays(1),
                        Status: activityStatuses[i % activityStatuses.Length], CompletedCount: 1, LastDoneOn: Monday.PlusDays(-80)),
                    new CareActivity("consult", ActivityKind.OneOff, "new-patient", 5, NotBefore: Monday, DueBy: Monday.PlusDays(4), After: [new ActivityLink("hba1c", 120)],
                        Status: activityStatuses[(i + 3) % activityStatuses.Length]),
                    new CareActivity("panel", ActivityKind.Order, "lab-draw", 2, DueBy: Monday.PlusDays(2), Status: activityStatuses[(i + 6) % activityStatuses.Length]),
                    new CareActivity("odd", ActivityKind.Recurring, "lab-draw", Every: NodaTime.Period.FromMonths(1) + NodaTime.Period.FromDays(3), FirstDue: Monday),
                ],
                [new CarePlanChange(T0 - Duration.FromDays(30), "coord-1", null, "Plan.Created")]));
        }

        var visits = Enum.GetValues<VisitStatus>().Select((s, i) => new Visit(
            i == 0 ? "plan-1/consult/1" : $"visit-{i}", i % 2 == 0 ? "pat-a" : "pat-b", i % 2 == 0 ? "new-patient" : "mystery-type", T0 + Duration.FromHours(i), s,
            s == VisitStatus.Booked ? [] : History(s, T0 + Duration.FromHours(i)),
            i == 0 ? "plan-1/consult/1" : null)).ToList();
        var consents = new List<Consent>
        {
            new("consent-active", "pat-a", "treatment", T0 - Duration.FromDays(200), null, null),
            new("consent-expired", "pat-b", "telehealth", T0 - Duration.FromDays(400), T0 - Duration.FromDays(35), null),
            new("consent-revoked", "pat-b", "research", T0 - Duration.FromDays(100), T0 + Duration.FromDays(100), T0 - Duration.FromDays(1)),
        };
        var intakes = new List<IntakeResponse> { new("plan-1/consult/1", "pat-a", T0 - Duration.FromHours(1)), new("visit-gone", "pat-b", T0 - Duration.FromHours(1)) };

        var hba1c = ResultThreads.Receive(null, new IncomingResult("res-hba1c", "pat-a", "dr-lopez", "lab", ResultStatus.Preliminary, Abnormal: true), clock);
        clock.Advance(Duration.FromHours(1));
        hba1c = ResultThreads.Receive(hba1c, new IncomingResult("res-hba1c", "pat-a", "dr-lopez", "lab", ResultStatus.Final, Abnormal: true), clock);
        clock.Advance(Duration.FromHours(1));
        var (reviewed, notify) = ResultThreads.Complete(hba1c, hba1c.Tasks[^1].Id, "dr-lopez", clock);
        var (released, _) = ResultThreads.Release(reviewed, notify!.Id, "dr-lopez", clock);
        var lipids = ResultThreads.Receive(null, new IncomingResult("res-lipids", "pat-b", "dr-lopez", "lipid panel", ResultStatus.Amended, Abnormal: false), clock);
        var xray = ResultThreads.Receive(null, new IncomingResult("res-xray", "pat-b", "dr-ng", "imaging", ResultStatus.Final, Abnormal: false), clock);

        var referrals = Enum.GetValues<ReferralStatus>().Select((s, i) => new Referral(
            $"ref-{s.ToString().ToLowerInvariant()}", i % 2 == 0 ? "pat-a" : "pat-c", "dr-lopez", i % 3 == 0 ? "cardiology" : "FAC-001", (ReferralPriority)(i % 4),
            T0 - Duration.FromDays(10), s, s == ReferralStatus.Draft ? null : T0 - Duration.FromDays(9),
            s == ReferralStatus.Draft ? [] : [new StatusChange<ReferralStatus>(ReferralStatus.Draft, s, "dr-lopez", T0 - Duration.FromDays(9), "moved")])).ToList();

        var messages = new List<OutboxMessage>
        {
            new("plan-1/consult/1/reminder-48h", "plan-1/consult/1", "pat-a", MessagePurpose.Reminder, "reminder-48h", T0 - Duration.FromHours(48), DeliveryResult.Delivered, T0 - Duration.FromHours(47)),
            new("plan-1/consult/1/reminder-2h", "plan-1/consult/1", "pat-a", MessagePurpose.Reminder, "reminder-2h", T0 - Duration.FromHours(2), null, null),
            new("visit-1/follow-up", "visit-1", "pat-b", MessagePurpose.FollowUp, "follow-up-24h", T0 + Duration.FromDays(1), null, null, CancelledAt: T0),
            new("visit-3/follow-up", "visit-3", "pat-b", MessagePurpose.FollowUp, "follow-up-24h", T0 - Duration.FromHours(3), DeliveryResult.Failed, T0 - Duration.FromHours(2)),
            new("visit-5/follow-up", "visit-5", "pat-b", MessagePurpose.FollowUp, "follow-up-24h", T0 - Duration.FromHours(3), DeliveryResult.Rejected, T0 - Duration.FromHours(2)),
            new($"{notify.Id}/1", null, "pat-a", MessagePurpose.ResultNotification, "result-ready", T0, DeliveryResult.Delivered, T0 + Duration.FromMinutes(1), ResultId: "res-hba1c", TaskId: notify.Id),
        };

        var claims = new List<Claim> { Claim(), SecondaryClaim() };
        return new EngineRecords(T0, plans, visits, consents, intakes, [released, lipids, xray], referrals, messages, claims);
    }

    public static IReadOnlyList<AuditEntry> Trail() =>
    [
        new(1, T0 - Duration.FromDays(30), "coord-1", "care-plan", "plan-1", "Plan.Created", AuditEntry.GenesisHash, new string('a', 64)) { Format = 2, Content = "v1:" + new string('b', 64) },
        new(2, T0 - Duration.FromDays(29), "coord-1", "care-plan", "plan-1", "Plan.Saved", new string('a', 64), new string('c', 64)) { Format = 2, Content = "v2:" + new string('d', 64), KeyId = "k1" },
        new(3, T0 - Duration.FromDays(28), "dr-1", AuditEntry.ReadEntityType, "*", "Read.Export", new string('c', 64), new string('e', 64))
        {
            Format = 2, Content = """{"patients":["pat-a","pat-b"],"records":["care-plan:plan-1","visit:visit-1"]}""",
        },
        new(4, T0 - Duration.FromDays(27), "scheduler", "visit", "gone-visit", "Visit.Booked", new string('e', 64), new string('f', 64)),
        new(5, T0 - Duration.FromDays(26), "dr-2", AuditEntry.ReadEntityType, "pat-z", "Read.Record.visit", new string('f', 64), new string('1', 64)),
    ];

    private static List<StatusChange<VisitStatus>> History(VisitStatus to, Instant start) => to switch
    {
        VisitStatus.Arrived => [new(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", start - Duration.FromMinutes(10))],
        VisitStatus.CheckedIn => [new(VisitStatus.Booked, VisitStatus.CheckedIn, "desk-1", start - Duration.FromMinutes(5))],
        VisitStatus.Fulfilled =>
        [
            new(VisitStatus.Booked, VisitStatus.Arrived, "desk-1", start - Duration.FromMinutes(10)),
            new(VisitStatus.Arrived, VisitStatus.CheckedIn, "desk-1", start - Duration.FromMinutes(5)),
            new(VisitStatus.CheckedIn, VisitStatus.Fulfilled, "clinician", start + Duration.FromMinutes(40)),
        ],
        VisitStatus.Cancelled => [new(VisitStatus.Booked, VisitStatus.Cancelled, "desk-1", start - Duration.FromDays(1), "patient called")],
        VisitStatus.NoShow => [new(VisitStatus.Booked, VisitStatus.NoShow, "desk-2", start + Duration.FromMinutes(15), "no call")],
        _ => [new(VisitStatus.Booked, to, "engine", start + Duration.FromMinutes(15))],
    };

    public static Coverage CoverageOf(Person subscriber, SubscriberRelationship relationship) => new("cov-a", "ACMEHLTH", "Acme Health Plan", "GRP-5501", "ACM123456789", subscriber, relationship,
        new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31),
        new Benefits(new Dictionary<string, decimal> { ["office-visit"] = 30.00m, ["specialist"] = 50m }, new Accumulator(1000.00m, 800.00m), 20, new Accumulator(4000.00m, 1200.00m), ["97110"]),
        [new Authorization("AUTH-77", "97110", Monday.PlusDays(-10), Monday.PlusDays(30))]);

    public static ClaimProvider Clinic { get; } = new("1234567893", "Riverside Family Clinic", IsOrganization: true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234"));

    private static Claim Claim() => new Claim("CLM-1", "plan-1/consult/1", Ana, CoverageOf(Ana, SubscriberRelationship.Self), Clinic,
        new ClaimProvider("1245319599", "Lopez, Maria", IsOrganization: false), ["E11.9", "I10", "Z79.4"],
        [
            new ServiceLine("99204", ["25"], 1, 245.00m, [1, 2], "11", Monday, "office-visit"),
            new ServiceLine("97110", ["GP", "59"], 2, 120.00m, [3], "11", Monday, "therapy"),
            new ServiceLine("G0439", [], 1, 175.50m, [1], "22", Monday.PlusDays(1), "wellness"),
        ],
        ClaimStatus.PartiallyPaid, [new StatusChange<ClaimStatus>(ClaimStatus.Draft, ClaimStatus.Ready, "billing-1", T0 - Duration.FromDays(3), "coded")], T0 - Duration.FromDays(4))
    {
        Payments =
        [
            new ClaimPayment("TRN-1", "ACMEHLTH", "1", "PCN-9", 540.50m, 300m, 420m, 120m, [new ClaimAdjustment("CO", "45", 120.50m)], ["MA01"],
            [
                new LinePayment(1, "99204", 245m, 150m, 180m, 30m, [new ClaimAdjustment("CO", "45", 65m), new ClaimAdjustment("PR", "3", 30m)], []),
                new LinePayment(2, "97110", 120m, 70m, 100m, 30m, [new ClaimAdjustment("PR", "2", 30m)], ["N130"]),
            ],
            new LocalDate(2026, 12, 20)),
        ],
    };

    private static Claim SecondaryClaim() => new Claim("CLM-2", "visit-3", Ana with { }, CoverageOf(Luis, SubscriberRelationship.Spouse) with { Id = "cov-b", PayerId = "SECPAY", PayerName = "Second Payer" }, Clinic, null, ["E11.9"],
        [new ServiceLine("99213", [], 1, 100m, [1], "11", Monday, "office-visit")], ClaimStatus.Draft, [],
        Frequency: ClaimFrequency.Replacement, PayerClaimNumber: "PCN-OLD",
        PriorPayers: [new PriorPayer("ACMEHLTH", "Acme Health Plan", "ACM123456789", "GRP-5501", Ana, SubscriberRelationship.Self, "CI", Monday.PlusDays(10), 60m, [new PayerAdjustment("CO", "45", 40m)], [])]);
}
