using MedCoord.Engine;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord demo --db FILE</c>: a coordinator's Monday at a Denver clinic, run into a new SQLite file on a simulated
/// clock. Care plans emit requests, the scheduler books them, patients check in (one is refused for a missing consent
/// and becomes a no-show), results arrive, one referral's loop is closed and one is overdue, the fulfilled new-patient
/// visit is billed (a claim with the patient's name, birth date and address); the worklist is printed. With the data key
/// (<c>MEDCOORD_DATA_KEY</c> or <c>--data-key-file</c>) the records are encrypted at rest and with the audit key
/// (<c>MEDCOORD_AUDIT_KEY</c> or <c>--audit-key-file</c>) the audit chain is keyed; without them the day still runs,
/// with a warning for each on stderr (records in clear, a chain anyone who can write the file could recompute).
/// </summary>
internal sealed record DemoCommand(string DatabasePath, string? DataKeyFile, string? AuditKeyFile)
{
    private static readonly DateTimeZone Denver = DateTimeZoneProviders.Tzdb["America/Denver"];
    private static readonly LocalDate Monday = new(2026, 12, 7);

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr, Func<string, string?> environment)
    {
        var (keys, errors) = EngineKeys.Read(DataKeyFile, AuditKeyFile, environment);
        if (File.Exists(DatabasePath))
        {
            errors.Insert(0, $"--db: {DatabasePath} already exists; the demo writes a new database (choose another file or remove it)");
        }
        else if (OutputFile.Check(("--db", DatabasePath)) is [var unwritable, ..])
        {
            errors.Insert(0, unwritable.ToString());
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync(error);
            }

            return SolverCommandLine.BadInput;
        }

        if (keys.Data is null)
        {
            await stderr.WriteLineAsync($"warning: no data key ({EngineKeys.DataVariable} or --data-key-file): the records, patient names included, are stored in clear");
        }

        if (keys.Audit is null)
        {
            await stderr.WriteLineAsync($"warning: no audit key ({EngineKeys.AuditVariable} or --audit-key-file): the audit chain is not keyed; anyone who can write the file could recompute it");
        }

        var clock = new DemoClock(At(Monday.PlusDays(-21), 9, 0));
        using var services = new ServiceCollection()
            .AddSingleton<IClock>(clock)
            .AddMedCoordScheduling(o => o.TimeLimit = TimeSpan.FromSeconds(5))
            .AddMedCoordEngine(o =>
            {
                o.DatabasePath = DatabasePath;
                o.DataKey = keys.Data;
                o.AuditKey = keys.Audit;
                o.ClinicZone = Denver.Id;
                o.Forms["new-patient"] = new FormRequirements(IntakeQuestionnaire: true, ConsentScope: "treatment");
                o.Forms["eye-exam"] = new FormRequirements(IntakeQuestionnaire: false, ConsentScope: "treatment");
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var engine = services.GetRequiredService<CoordinationEngine>();
        var scheduler = services.GetRequiredService<IAppointmentScheduler>();
        void Say(string text) => console.MarkupLine(Markup.Escape($"{clock.GetCurrentInstant().InZone(Denver):ddd MMM dd HH:mm}  {text}"));

        // Three weeks earlier: a dermatology referral is sent and never answered. Last Wednesday: a lipid panel arrives.
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-derm", "pat-c", "dr-lopez", "dermatology", ReferralPriority.Routine, clock), "dr-lopez");
        await engine.Referrals.MoveAsync("ref-derm", ReferralStatus.Sent, "dr-lopez", "sent");
        Say("referral ref-derm sent to dermatology");
        clock.Set(At(Monday.PlusDays(-5), 16, 0));
        await engine.Results.ReceiveAsync(new IncomingResult("res-lipids", "pat-c", "dr-lopez", "lipid panel", ResultStatus.Final, Abnormal: false), "lab");
        Say("result res-lipids arrives, for review");
        clock.Set(At(Monday, 7, 0));

        // Care plans: a diabetic patient's lab draw (HbA1c every 3 months) two hours before a new-patient consult; an
        // annual eye exam; a follow-up that was due last week.
        var plans = new[]
        {
            await engine.CarePlans.CreateAsync("plan-a", "pat-a", [new CarePlanGoal("g1", "HbA1c below 7%")],
            [
                new CareActivity("hba1c", ActivityKind.Recurring, "lab-draw", 4, Every: Period.FromMonths(3), ToleranceDays: 14, FirstDue: Monday.PlusDays(1)),
                new CareActivity("consult", ActivityKind.OneOff, "new-patient", 5, DueBy: Monday.PlusDays(4), After: [new ActivityLink("hba1c", MinGapMinutes: 120)]),
            ], "coord-1"),
            await engine.CarePlans.CreateAsync("plan-b", "pat-b", [], [new CareActivity("eye-exam", ActivityKind.OneOff, "eye-exam", 2, DueBy: Monday.PlusMonths(6))], "coord-1"),
            await engine.CarePlans.CreateAsync("plan-c", "pat-c", [], [new CareActivity("follow-up", ActivityKind.OneOff, "follow-up", 3, DueBy: Monday.PlusDays(-3))], "coord-1"),
            await engine.CarePlans.CreateAsync("plan-d", "pat-d", [], [new CareActivity("retinal-screen", ActivityKind.OneOff, "retinal-screen", 3, DueBy: Monday.PlusDays(-20))], "coord-1"),
        };
        foreach (var plan in plans)
        {
            await engine.CarePlans.ChangeAsync(plan.Id, (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1");
        }

        var horizon = new DateInterval(Monday, Monday.PlusDays(4));
        var due = await engine.CarePlans.DueRequestsAsync(horizon, "coord-1");
        Say($"care plans: {plans.Length} active, {due.Count} appointments due this week ({due.Count(d => d.Overdue)} overdue)");

        var problem = Clinic(horizon, [.. due.Select(d => d.Request)]);
        MedCoord.Scheduling.Results.Schedule schedule;
        using (var cancel = new CtrlC())
        {
            schedule = scheduler.Solve(problem, cancellationToken: cancel.Token);
        }

        var visits = await engine.Visits.BookAsync(problem, schedule, "scheduler");
        Say($"scheduler: {schedule.Status}, {schedule.Assignments.Count} booked, {schedule.Unscheduled.Count} not booked; {visits.Count} visits, {(await engine.Outbox.PendingMessagesAsync()).Count} reminders planned");
        foreach (var a in schedule.Assignments)
        {
            Say($"  {a.RequestId,-22} {a.Start.LocalDateTime:ddd HH:mm}  {a.ProviderId ?? "-",-8} {a.RoomId}");
        }

        foreach (var u in schedule.Unscheduled)
        {
            Say($"  {u.RequestId,-22} not booked: {u.Reason} ({u.Message})");
        }

        // Forms: pat-a has everything; pat-b has no consent on file; pat-c needs none.
        await engine.Visits.RecordConsentAsync(new Consent("consent-a", "pat-a", "treatment", clock.GetCurrentInstant() - Duration.FromDays(200), null, null), "desk-1");
        foreach (var visit in visits.Where(v => v.AppointmentTypeId == "new-patient"))
        {
            await engine.Visits.RecordIntakeAsync(new IntakeResponse(visit.Id, visit.PatientId, clock.GetCurrentInstant()), "pat-a");
        }

        // The day, event by event: each patient checks in five minutes before the visit, and the visit ends fulfilled.
        var events = visits.Where(v => v.Start.InZone(Denver).Date == Monday)
            .SelectMany(v => new[] { (At: v.Start - Duration.FromMinutes(5), Visit: v, CheckIn: true), (At: schedule.Assignments.Single(a => a.RequestId == v.BookedRequestId).End.ToInstant(), Visit: v, CheckIn: false) })
            .OrderBy(e => e.At).ThenBy(e => e.Visit.Id, StringComparer.Ordinal);
        var checkedIn = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (at, visit, checkIn) in events)
        {
            clock.Set(at);
            if (checkIn)
            {
                var outcome = await engine.Visits.CheckInAsync(visit.Id, "desk-1");
                Say(outcome.CheckedIn ? $"checked in {visit.Id}" : $"check-in refused for {visit.Id}: {string.Join("; ", outcome.Refusals)}");
                if (outcome.CheckedIn)
                {
                    checkedIn.Add(visit.Id);
                }
            }
            else if (checkedIn.Contains(visit.Id))
            {
                await engine.Visits.FulfilAsync(visit.Id, "clinician");
                Say($"{visit.Id} fulfilled");
            }
        }

        if (visits.FirstOrDefault(v => v.AppointmentTypeId == "new-patient" && checkedIn.Contains(v.Id)) is { } billed)
        {
            var claim = await engine.Claims.CreateAsync("CLM-DEMO-0001", billed.Id, AnaRivera, Coverage(AnaRivera), BillingProvider, new ClaimProvider("1245319599", "Lopez, Maria", IsOrganization: false),
                ["E11.9", "I10"], [new ServiceLine("99204", [], 1, 245.00m, [1, 2], "11", billed.Start.InZone(Denver).Date, "office-visit")], "billing-1");
            await engine.Claims.MoveAsync(claim.Id, ClaimStatus.Ready, "billing-1", "coded");
            Say($"claim {claim.Id} for {billed.Id}: ready to submit");
        }

        clock.Set(At(Monday, 16, 0));
        var noShows = await engine.Visits.MarkNoShowsAsync();
        Say($"no-shows marked: {string.Join(", ", noShows.Marked.Select(v => v.Id))} (its care-plan occurrence is open again, its reminders cancelled)");
        foreach (var failure in noShows.Failures)
        {
            Say($"  {failure.VisitId} not marked: {failure.Reason}");
        }

        // pat-a's HbA1c is abnormal: an urgent review, done; the provider releases it and the patient's message goes out.
        clock.Set(At(Monday, 16, 15));
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-hba1c", "pat-a", "dr-lopez", "HbA1c", ResultStatus.Final, Abnormal: true), "lab");
        Say($"result res-hba1c arrives abnormal: {review.Step} (urgent)");
        clock.Set(At(Monday, 16, 30));
        var notify = await engine.Results.CompleteTaskAsync("res-hba1c", review.Id, "dr-lopez");
        var release = await engine.Results.ReleaseAsync("res-hba1c", notify!.Id, "dr-lopez");
        foreach (var message in (await engine.Outbox.DueMessagesAsync()).Where(m => m.Id == release.Id))
        {
            await engine.Outbox.RecordDeliveryAsync(message.Id, DeliveryResult.Delivered, "sms-gateway");
        }

        Say($"res-hba1c reviewed and released; message {release.Id} delivered, the patient notified");

        // A referral to cardiology goes round its whole loop.
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-cardio", "pat-a", "dr-lopez", "cardiology", ReferralPriority.Urgent, clock), "dr-lopez");
        foreach (var (to, actor, reason) in new[]
        {
            (ReferralStatus.Sent, "dr-lopez", "sent"), (ReferralStatus.Accepted, "cardio-desk", "accepted"), (ReferralStatus.Scheduled, "cardio-desk", "booked"),
            (ReferralStatus.Completed, "dr-kim", "seen"), (ReferralStatus.ReportReceived, "coord-1", "report filed"), (ReferralStatus.Closed, "dr-lopez", "loop closed"),
        })
        {
            await engine.Referrals.MoveAsync("ref-cardio", to, actor, reason);
        }

        Say("referral ref-cardio: sent, accepted, booked, seen, report received, closed");
        clock.Set(At(Monday, 17, 0));

        var worklist = await engine.Worklist.GetAsync("coord-1");
        var table = new Table().Title("Worklist").AddColumns("kind", "item", "what is late", "due or open since");
        foreach (var a in worklist.CareActivities)
        {
            table.AddRow(Cells("care plan", $"{a.PlanId}/{a.ActivityId}", $"{a.DaysOverdue} days overdue{(a.BookedRequestId is null ? ", not booked" : ", booked")}", $"{a.DueBy:uuuu-MM-dd}"));
        }

        foreach (var r in worklist.Referrals)
        {
            table.AddRow(Cells("referral", r.ReferralId, r.Lateness.ToString(), $"{r.DueAt.InZone(Denver):uuuu-MM-dd HH:mm}"));
        }

        foreach (var t in worklist.ResultTasks)
        {
            table.AddRow(Cells("result", t.Id, $"{t.Step}{(t.Urgent ? " (urgent)" : string.Empty)} open", $"{t.CreatedAt.InZone(Denver):uuuu-MM-dd HH:mm}"));
        }

        foreach (var v in worklist.NoShows)
        {
            table.AddRow(Cells("no-show", v.Id, "not checked in", $"{v.Start.InZone(Denver):uuuu-MM-dd HH:mm}"));
        }

        foreach (var v in worklist.Visits)
        {
            table.AddRow(Cells("visit", v.VisitId, $"{v.Lateness} ({v.Status})", $"{v.DueAt.InZone(Denver):uuuu-MM-dd HH:mm}"));
        }

        foreach (var p in worklist.CarePlans)
        {
            table.AddRow(Cells("care plan", p.ActivityId is null ? p.PlanId : $"{p.PlanId}/{p.ActivityId}", p.Lateness.ToString(), $"{p.DueAt.InZone(Denver):uuuu-MM-dd HH:mm}"));
        }

        foreach (var c in worklist.Claims)
        {
            table.AddRow(Cells("claim", c.ClaimId, $"{c.Status} too long", $"{c.DueAt.InZone(Denver):uuuu-MM-dd HH:mm}"));
        }

        console.Write(table);
        var audit = await engine.Records.VerifyAuditAsync();
        Say($"audit trail: {audit.Entries} entries, {(audit.Intact ? "intact" : $"BROKEN at {audit.FirstBadSequence}")}; database {DatabasePath}");
        return audit.Intact ? SolverCommandLine.Success : AuditCommand.Broken;
    }

    /// <summary>The new patient the demo bills: identifying data the database must protect.</summary>
    private static Person AnaRivera { get; } = new("pat-a", "Rivera", "Ana", new LocalDate(1968, 4, 12), "F", new Address("120 Elm St", "Denver", "CO", "80202"));

    private static ClaimProvider BillingProvider { get; } = new("1234567893", "Riverside Family Clinic", IsOrganization: true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234"));

    private static Coverage Coverage(Person subscriber) => new("cov-a", "ACMEHLTH", "Acme Health Plan", "GRP-5501", "ACM123456789", subscriber, SubscriberRelationship.Self,
        new LocalDate(2026, 1, 1), null,
        new Benefits(new Dictionary<string, decimal> { ["office-visit"] = 30.00m }, new Accumulator(1000.00m, 800.00m), 20, new Accumulator(4000.00m, 1200.00m), []), []);

    private static Instant At(LocalDate date, int hour, int minute) => Denver.AtStrictly(date.At(new LocalTime(hour, minute))).ToInstant();

    private static Markup[] Cells(params string[] values) => [.. values.Select(v => new Markup(Markup.Escape(v)))];

    /// <summary>The clinic the demo's care plans are booked into: Denver, weekdays 08:00–17:00, a lab, two exam rooms.</summary>
    private static Problem Clinic(DateInterval horizon, IReadOnlyList<AppointmentRequest> requests)
    {
        IsoDayOfWeek[] weekdays = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];
        var day = new WeeklyHours(weekdays, new LocalTime(8, 0), new LocalTime(17, 0));
        return new Problem(horizon,
            [new Facility("clinic", Denver, [day])],
            [new Room("lab", "clinic", ["lab"], []), new Room("exam-1", "clinic", ["exam"], []), new Room("exam-2", "clinic", ["exam"], [])],
            [
                new Provider("dr-lopez", ["primary-care"], [new ProviderAvailability("clinic", new WeeklyHours(weekdays, new LocalTime(10, 0), new LocalTime(16, 0)))], []),
                new Provider("dr-ng", ["optometry"], [new ProviderAvailability("clinic", new WeeklyHours([IsoDayOfWeek.Monday], new LocalTime(8, 0), new LocalTime(12, 0)))], []),
            ],
            [.. requests.Select(r => r.PatientId).Distinct().Select(p => new Patient(p, null, null, []))],
            [
                new AppointmentType("lab-draw", 15, null, ["lab"]),
                new AppointmentType("new-patient", 40, "primary-care", ["exam"], 5),
                new AppointmentType("follow-up", 20, "primary-care", ["exam"], 5),
                new AppointmentType("eye-exam", 30, "optometry", ["exam"]),
                new AppointmentType("retinal-screen", 20, "ophthalmology", ["exam"]),
            ],
            requests,
            []);
    }

    /// <summary>The simulated clock of the demo's day: it moves only when the demo moves it.</summary>
    private sealed class DemoClock(Instant start) : IClock
    {
        private Instant _now = start;

        public Instant GetCurrentInstant() => _now;

        public void Set(Instant now) => _now = now;
    }
}
