using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using NodaTime;
using NodaTime.Testing;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>
/// A random set of records of every stored kind in every status: visits in every status starting in the past and the
/// future, care plans in every status with activities in every status, referrals, claims, result threads with open,
/// done, released and superseded tasks, outbox messages pending, failed, delivered, rejected and cancelled, consents
/// and intakes. Times spread around <see cref="T0"/>; patients from a small pool, so that queries by patient select
/// some records and not others.
/// </summary>
internal sealed class RecordWorld
{
    public static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 15, 0);

    public static readonly string[] Patients = ["pat-1", "pat-2", "pat-3"];

    private static readonly Lazy<IReadOnlyList<Claim>> SampleClaims = new(() => Billing.ClaimTests.Sample().Claims);

    public List<CarePlan> Plans { get; } = [];

    public List<Visit> Visits { get; } = [];

    public List<Consent> Consents { get; } = [];

    public List<IntakeResponse> Intakes { get; } = [];

    public List<ResultThread> Results { get; } = [];

    public List<OutboxMessage> Messages { get; } = [];

    public List<Referral> Referrals { get; } = [];

    public List<Claim> Claims { get; } = [];

    /// <summary>Every record as a new record to commit (version 0).</summary>
    public List<StoreChange> Changes() =>
    [
        .. Plans.Select(p => StoreChange.Of(p.Id, p, 0, "setup", "Setup.Saved")),
        .. Visits.Select(v => StoreChange.Of(v.Id, v, 0, "setup", "Setup.Saved")),
        .. Consents.Select(c => StoreChange.Of(c.Id, c, 0, "setup", "Setup.Saved")),
        .. Intakes.Select(i => StoreChange.Of(i.VisitId, i, 0, "setup", "Setup.Saved")),
        .. Results.Select(r => StoreChange.Of(r.Id, r, 0, "setup", "Setup.Saved")),
        .. Messages.Select(m => StoreChange.Of(m.Id, m, 0, "setup", "Setup.Saved")),
        .. Referrals.Select(r => StoreChange.Of(r.Id, r, 0, "setup", "Setup.Saved")),
        .. Claims.Select(c => StoreChange.Of(c.Id, c, 0, "setup", "Setup.Saved")),
    ];

    /// <summary>The id a record is stored under.</summary>
    public static string IdOf(object record) => record switch
    {
        CarePlan p => p.Id,
        Visit v => v.Id,
        Consent c => c.Id,
        IntakeResponse i => i.VisitId,
        ResultThread t => t.Id,
        OutboxMessage m => m.Id,
        Referral r => r.Id,
        Claim c => c.Id,
        _ => throw new ArgumentException(record.GetType().Name, nameof(record)),
    };

    /// <summary>A random world; <paramref name="prefix"/> keeps ids of several worlds apart.</summary>
    public static RecordWorld Random(Random rng, string prefix = "")
    {
        var world = new RecordWorld();
        Instant Around(int days) => T0 + Duration.FromMinutes(rng.Next(-days * 24 * 60, days * 24 * 60));
        string Patient() => Patients[rng.Next(Patients.Length)];
        T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];

        for (var i = 0; i < rng.Next(3, 9); i++)
        {
            var status = Pick(Enum.GetValues<VisitStatus>());
            var start = Around(20);
            var id = $"{prefix}visit-{i}";
            var requestId = rng.Next(3) switch { 0 => null, 1 => $"{prefix}req-{rng.Next(3)}", _ => $"{prefix}plan-0/act-0/1" };
            world.Visits.Add(new Visit(id, Patient(), "follow-up", start, status,
                status == VisitStatus.Booked ? [] : [new StatusChange<VisitStatus>(VisitStatus.Booked, status, "desk-1", start + Duration.FromMinutes(rng.Next(-3 * 24 * 60, 3 * 24 * 60)))],
                requestId));
        }

        for (var i = 0; i < rng.Next(2, 6); i++)
        {
            world.Plans.Add(Plan(rng, $"{prefix}plan-{i}", Patient(), Around));
        }

        for (var i = 0; i < rng.Next(0, 3); i++)
        {
            var given = Around(200);
            world.Consents.Add(new Consent($"{prefix}consent-{i}", Patient(), "treatment", given, rng.Next(2) == 0 ? null : given + Duration.FromDays(365), rng.Next(3) == 0 ? given + Duration.FromDays(5) : null));
        }

        foreach (var visit in world.Visits.Where(_ => rng.Next(3) == 0))
        {
            world.Intakes.Add(new IntakeResponse(visit.Id, visit.PatientId, visit.Start - Duration.FromHours(2)));
        }

        for (var i = 0; i < rng.Next(1, 5); i++)
        {
            world.Results.Add(Thread(rng, $"{prefix}res-{i}", Patient(), Around));
        }

        for (var i = 0; i < rng.Next(2, 5); i++)
        {
            var draft = ReferralLifecycle.Draft($"{prefix}ref-{i}", Patient(), "dr-a", "cardiology", Pick(Enum.GetValues<ReferralPriority>()), new FakeClock(Around(60)));
            var status = Pick(Enum.GetValues<ReferralStatus>());
            var at = draft.CreatedAt + Duration.FromHours(rng.Next(1, 24 * 20));
            world.Referrals.Add(status == ReferralStatus.Draft ? draft
                : draft with { Status = status, SentAt = draft.CreatedAt + Duration.FromHours(1), History = [new StatusChange<ReferralStatus>(ReferralStatus.Sent, status, "desk-1", at, "moved")] });
        }

        for (var i = 0; i < rng.Next(1, 5); i++)
        {
            var sample = Pick(SampleClaims.Value);
            var status = Pick(Enum.GetValues<ClaimStatus>());
            var created = Around(120);
            world.Claims.Add(sample with
            {
                Id = $"{prefix}claim-{i}",
                Patient = sample.Patient with { Id = Patient() },
                Status = status,
                CreatedAt = rng.Next(8) == 0 ? null : created,
                History = status == ClaimStatus.Draft ? [] : [new StatusChange<ClaimStatus>(ClaimStatus.Draft, status, "biller-1", created + Duration.FromDays(rng.Next(0, 20)), "moved")],
            });
        }

        var notifications = world.Results.SelectMany(r => r.Tasks).Where(t => t.Step == RelayStep.PatientNotification).ToList();
        for (var i = 0; i < rng.Next(2, 10); i++)
        {
            var purpose = Pick(Enum.GetValues<MessagePurpose>());
            var sendAt = Around(20);
            OutboxMessage message;
            if (purpose == MessagePurpose.ResultNotification && notifications.Count > 0)
            {
                var task = Pick(notifications);
                message = new OutboxMessage($"{prefix}msg-{i}", null, world.Results.Single(r => r.Id == task.ResultId).Latest.PatientId, purpose, "result-ready", sendAt, null, null, null, task.ResultId, task.Id);
            }
            else
            {
                var visit = rng.Next(6) == 0 ? null : Pick(world.Visits);
                var visitPurpose = purpose == MessagePurpose.ResultNotification ? MessagePurpose.Reminder : purpose;
                message = new OutboxMessage($"{prefix}msg-{i}", visit?.Id ?? $"{prefix}visit-gone", visit?.PatientId ?? Patient(), visitPurpose,
                    visitPurpose == MessagePurpose.Reminder ? "reminder-2h" : "follow-up", sendAt, null, null);
            }

            var reported = sendAt + Duration.FromMinutes(5);
            world.Messages.Add(rng.Next(6) switch
            {
                0 => message with { Delivery = DeliveryResult.Failed, ReportedAt = reported },
                1 => message with { Delivery = DeliveryResult.Delivered, ReportedAt = reported },
                2 => message with { Delivery = DeliveryResult.Rejected, ReportedAt = reported },
                3 => message with { CancelledAt = sendAt - Duration.FromHours(1) },
                _ => message,
            });
        }

        return world;
    }

    private static CarePlan Plan(Random rng, string id, string patient, Func<int, Instant> around)
    {
        var created = around(60);
        var statuses = Enum.GetValues<ActivityStatus>();
        var activities = new List<CareActivity>();
        var history = new List<CarePlanChange> { new(created, "coord-1", null, "Plan.Created") };
        for (var a = 0; a < rng.Next(1, 4); a++)
        {
            var status = statuses[rng.Next(statuses.Length)];
            var due = RecordWorld.T0.InUtc().Date.PlusDays(rng.Next(-60, 60));
            var completed = status is ActivityStatus.InProgress or ActivityStatus.Completed ? rng.Next(1, 3) : 0;
            var activity = rng.Next(2) == 0
                ? new CareActivity($"act-{a}", ActivityKind.OneOff, "follow-up", rng.Next(1, 5), DueBy: due)
                : new CareActivity($"act-{a}", ActivityKind.Recurring, "follow-up", rng.Next(1, 5), Every: Period.FromMonths(3), ToleranceDays: rng.Next(0, 15), FirstDue: due);
            activities.Add(activity with
            {
                Status = status,
                CompletedCount = completed,
                LastDoneOn = completed > 0 ? due.PlusDays(-rng.Next(0, 100)) : null,
                BookedRequestId = status == ActivityStatus.Scheduled ? CarePlanLifecycle.RequestId(id, $"act-{a}", completed + 1) : null,
            });
            history.Add(new CarePlanChange(created + Duration.FromHours(rng.Next(1, 24 * 30)), "coord-1", $"act-{a}", $"Activity.{status}"));
        }

        var planStatus = Enum.GetValues<CarePlanStatus>()[rng.Next(Enum.GetValues<CarePlanStatus>().Length)];
        if (planStatus != CarePlanStatus.Draft)
        {
            history.Add(new CarePlanChange(created + Duration.FromHours(rng.Next(1, 24 * 30)), "coord-1", null, $"Plan.{planStatus}"));
        }

        return new CarePlan(id, patient, planStatus, [new CarePlanGoal("g1", "HbA1c below 7%")], activities, history);
    }

    private static ResultThread Thread(Random rng, string id, string patient, Func<int, Instant> around)
    {
        var clock = new FakeClock(around(10));
        void Tick() => clock.Advance(Duration.FromMinutes(rng.Next(1, 3 * 24 * 60)));
        var thread = ResultThreads.Receive(null, new IncomingResult(id, patient, "dr-a", "lipids", ResultStatus.Preliminary, rng.Next(2) == 0), clock);
        var steps = rng.Next(5);
        for (var step = 0; step < steps; step++)
        {
            Tick();
            var open = thread.Tasks.Where(t => t.IsOpen).ToList();
            var choice = rng.Next(4);
            if (choice == 0 || open.Count == 0)
            {
                thread = ResultThreads.Receive(thread, thread.Latest with { Status = ResultStatus.Final, Abnormal = rng.Next(2) == 0 }, clock);
            }
            else if (choice == 1 && open.FirstOrDefault(t => t.Step == RelayStep.PatientNotification && t.ReleasedAt is null) is { } notification)
            {
                thread = ResultThreads.Release(thread, notification.Id, "dr-a", clock).Thread;
            }
            else
            {
                thread = ResultThreads.Complete(thread, open[rng.Next(open.Count)].Id, "dr-a", clock).Thread;
            }
        }

        return thread;
    }
}
