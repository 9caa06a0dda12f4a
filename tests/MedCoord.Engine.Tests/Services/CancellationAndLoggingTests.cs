using System.Text.Json;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Services;

/// <summary>
/// Every service operation stops on a cancelled token before it changes anything; every operation logs its named event,
/// and no log line or logged value carries the patient data held in the records (names, birth date, address, member
/// id, free text).
/// </summary>
public sealed class CancellationAndLoggingTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 15, 0);

    private const string GoalText = "Walk to the Pennick Cove lighthouse unaided";
    private const string ReferralReason = "suspected melanoma on the left shoulder";
    private const string ClaimReason = "Mrs Quillfeather phoned about the bill";
    private const string ResultKind = "HIV viral load";

    /// <summary>The patient data put into the records: none of it may appear in a log.</summary>
    private static readonly string[] PatientData =
    [
        "Quillfeather", "Ottoline", "1931-07-19", "19310719", "07/19/1931", "Marigold", "Wexbridge", "81657", "ZXQ998877665",
        "Pennick", "lighthouse", "melanoma", "shoulder", "phoned", "viral load", "2026-12-07T1", "2026-12-07 1",
    ];

    private static readonly Person Patient = new("pat-1", "Quillfeather", "Ottoline", new LocalDate(1931, 7, 19), "F", new Address("77 Marigold Crescent", "Wexbridge", "CO", "81657"));

    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-services-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A clinic with something to do for every operation, built through the services themselves.</summary>
    private sealed class Clinic
    {
        public required CoordinationEngine Engine { get; init; }

        public required FakeClock Clock { get; init; }

        public required Claim Claim { get; init; }

        public IEngineStore Store => Engine.Store;
    }

    private IEngineStore NewStore(string kind, IClock clock)
    {
        if (kind == "memory")
        {
            return new InMemoryEngineStore(clock);
        }

        var database = SqliteDatabase.Open(Path.Combine(_dir, $"engine-{Guid.NewGuid():N}.db"));
        return new SqliteEngineStore(database, new SqliteAuditLog(database, clock));
    }

    private static EngineOptions Settings() => new() { Forms = { ["new-patient"] = new FormRequirements(true, "treatment") } };

    private static (Problem Problem, Schedule Schedule) Schedule(params (string Request, string Patient, string Type, Instant Start)[] bookings)
    {
        var problem = new Problem(new DateInterval(new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 31)), [], [], [], [], [],
            [.. bookings.Select(b => new AppointmentRequest(b.Request, b.Patient, b.Type))], []);
        var schedule = new Schedule(ScheduleStatus.Feasible, new(bookings.Length, bookings.Length, 0),
            [.. bookings.Select(b => new Assignment(b.Request, b.Patient, "dr-a", "exam-1", "clinic", b.Start.WithOffset(Offset.Zero), (b.Start + Duration.FromMinutes(30)).WithOffset(Offset.Zero)))],
            [], new(0, bookings.Length, 0));
        return (problem, schedule);
    }

    private static CareActivity Consult => new("consult", ActivityKind.OneOff, "new-patient", DueBy: new LocalDate(2027, 1, 6));

    /// <summary>A claim for the fulfilled visit <c>req-done</c>, built from the sample claim around <see cref="Patient"/>.</summary>
    private static (Person Patient, Coverage Coverage, ClaimProvider Billing, ClaimProvider? Rendering, IReadOnlyList<string> Diagnoses, IReadOnlyList<ServiceLine> Lines) ClaimParts()
    {
        var sample = Billing.ClaimTests.Sample().Claims[0];
        return (Patient, sample.Coverage with { Subscriber = Patient, MemberId = "ZXQ998877665" }, sample.BillingProvider, sample.RenderingProvider, sample.Diagnoses, sample.Lines);
    }

    /// <summary>
    /// An active plan with its consult booked (<c>plan-1/consult/1</c>, forms missing), a visit checked in
    /// (<c>req-in</c>), one fulfilled (<c>req-done</c>) with a draft claim, one past its start (<c>req-late</c>), a
    /// result under review (<c>res-1</c>), one with its notification open (<c>res-2</c>), a draft referral.
    /// </summary>
    private async Task<Clinic> Build(string storeKind, ILoggerFactory? logging = null)
    {
        var clock = new FakeClock(T0);
        var engine = CoordinationEngine.Over(NewStore(storeKind, clock), clock, Options.Create(Settings()), logging);
        await engine.CarePlans.CreateAsync("plan-1", "pat-1", [new CarePlanGoal("g1", GoalText)], [Consult], "coord-1");
        await engine.CarePlans.ChangeAsync("plan-1", (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1");
        var (problem, schedule) = Schedule(
            ("plan-1/consult/1", "pat-1", "new-patient", T0 + Duration.FromHours(2)), ("req-in", "pat-2", "follow-up", T0 + Duration.FromHours(1)),
            ("req-done", "pat-1", "follow-up", T0 - Duration.FromHours(1)), ("req-late", "pat-3", "follow-up", T0 - Duration.FromHours(2)));
        await engine.Visits.BookAsync(problem, schedule, "scheduler");
        await engine.Visits.ArriveAsync("req-in", "desk-1");
        await engine.Visits.CheckInAsync("req-in", "desk-1");
        await engine.Visits.ArriveAsync("req-done", "desk-1");
        await engine.Visits.CheckInAsync("req-done", "desk-1");
        await engine.Visits.FulfilAsync("req-done", "dr-a");
        var (patient, coverage, billing, rendering, diagnoses, lines) = ClaimParts();
        var claim = await engine.Claims.CreateAsync("claim-1", "req-done", patient, coverage, billing, rendering, diagnoses, lines, "biller-1");
        await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", ResultKind, ResultStatus.Final, true), "lab");
        await engine.Results.ReceiveAsync(new IncomingResult("res-2", "pat-2", "dr-a", ResultKind, ResultStatus.Final, false), "lab");
        await engine.Results.CompleteTaskAsync("res-2", "res-2/v1/ProviderReview", "dr-a");
        await engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "dermatology", ReferralPriority.Urgent, clock), "dr-a");
        clock.Advance(Duration.FromMinutes(10));
        return new Clinic { Engine = engine, Clock = clock, Claim = claim };
    }

    /// <summary>Everything in the store: the audit trail's length and every record of every kind with its version.</summary>
    private static async Task<string> Snapshot(IEngineStore store)
    {
        var ct = CancellationToken.None;
        return JsonSerializer.Serialize(new object[]
        {
            (await store.AuditTrailAsync(ct)).Count,
            await store.ListAsync<CarePlan>(RecordQuery.All, ct), await store.ListAsync<Visit>(RecordQuery.All, ct), await store.ListAsync<Consent>(RecordQuery.All, ct),
            await store.ListAsync<IntakeResponse>(RecordQuery.All, ct), await store.ListAsync<ResultThread>(RecordQuery.All, ct), await store.ListAsync<OutboxMessage>(RecordQuery.All, ct),
            await store.ListAsync<Referral>(RecordQuery.All, ct), await store.ListAsync<Claim>(RecordQuery.All, ct),
        }, StoreKinds.Json);
    }

    /// <summary>Every operation of every service, with whether it changes the store when it runs (null: it may or may not).</summary>
    private static IEnumerable<(string Name, bool? Changes, Func<Clinic, CancellationToken, Task> Run)> Operations()
    {
        var horizon = new DateInterval(new LocalDate(2026, 12, 1), new LocalDate(2027, 1, 31));
        return
        [
            ("CarePlans.Create", true, (c, ct) => c.Engine.CarePlans.CreateAsync("plan-2", "pat-2", [new CarePlanGoal("g1", GoalText)], [Consult], "coord-1", ct)),
            ("CarePlans.Change", true, (c, ct) => c.Engine.CarePlans.ChangeAsync("plan-1", (p, k) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.OnHold, "coord-1", k), "coord-1", ct)),
            ("CarePlans.DueRequests", false, (c, ct) => c.Engine.CarePlans.DueRequestsAsync(horizon, ct)),
            ("CarePlans.DueRequests(actor)", true, (c, ct) => c.Engine.CarePlans.DueRequestsAsync(horizon, "coord-1", ct)),
            ("Visits.Book", true, (c, ct) => c.Engine.Visits.BookAsync(Schedule(("req-new", "pat-2", "follow-up", T0 + Duration.FromDays(3))).Problem,
                Schedule(("req-new", "pat-2", "follow-up", T0 + Duration.FromDays(3))).Schedule, "scheduler", ct)),
            ("Visits.RecordConsent", true, (c, ct) => c.Engine.Visits.RecordConsentAsync(new Consent("consent-1", "pat-1", "treatment", T0, null, null), "desk-1", ct)),
            ("Visits.RecordIntake", true, (c, ct) => c.Engine.Visits.RecordIntakeAsync(new IntakeResponse("plan-1/consult/1", "pat-1", T0), "pat-1", ct)),
            ("Visits.Arrive", true, (c, ct) => c.Engine.Visits.ArriveAsync("plan-1/consult/1", "desk-1", ct)),
            ("Visits.CheckIn", null, (c, ct) => c.Engine.Visits.CheckInAsync("plan-1/consult/1", "desk-1", ct)),
            ("Visits.Fulfil", true, (c, ct) => c.Engine.Visits.FulfilAsync("req-in", "dr-a", ct)),
            ("Visits.Cancel", true, (c, ct) => c.Engine.Visits.CancelAsync("plan-1/consult/1", "desk-1", ct)),
            ("Visits.MarkNoShows", true, (c, ct) => c.Engine.Visits.MarkNoShowsAsync(ct)),
            ("Results.Receive", true, (c, ct) => c.Engine.Results.ReceiveAsync(new IncomingResult("res-3", "pat-3", "dr-a", ResultKind, ResultStatus.Preliminary, false), "lab", ct)),
            ("Results.CompleteTask", true, (c, ct) => c.Engine.Results.CompleteTaskAsync("res-1", "res-1/v1/ProviderReview", "dr-a", ct)),
            ("Results.Release", true, (c, ct) => c.Engine.Results.ReleaseAsync("res-2", "res-2/v1/PatientNotification", "dr-a", null, ct)),
            ("Referrals.Create", true, (c, ct) => c.Engine.Referrals.CreateAsync(ReferralLifecycle.Draft("ref-2", "pat-2", "dr-a", "cardiology", ReferralPriority.Routine, c.Clock), "dr-a", ct)),
            ("Referrals.Move", true, (c, ct) => c.Engine.Referrals.MoveAsync("ref-1", ReferralStatus.Sent, "dr-a", ReferralReason, ct)),
            ("Claims.Create", true, (c, ct) => CreateClaim(c, "claim-2", ct)),
            ("Claims.Move", true, (c, ct) => c.Engine.Claims.MoveAsync("claim-1", ClaimStatus.Ready, "biller-1", ClaimReason, null, ct)),
            ("Claims.ApplyAcknowledgements", null, (c, ct) => c.Engine.Claims.ApplyAcknowledgementsAsync([], 42, [c.Claim], "clearinghouse", ct)),
            ("Claims.ApplyStatusReports", null, (c, ct) => c.Engine.Claims.ApplyStatusReportsAsync([], [c.Claim], "clearinghouse", ct)),
            ("Claims.PostRemittances", null, (c, ct) => c.Engine.Claims.PostRemittancesAsync([], [c.Claim], "clearinghouse", ct)),
            ("Outbox.DueMessages", false, (c, ct) => c.Engine.Outbox.DueMessagesAsync(ct)),
            ("Outbox.DueMessages(actor)", true, (c, ct) => c.Engine.Outbox.DueMessagesAsync("sender", ct)),
            ("Outbox.PendingMessages", false, (c, ct) => c.Engine.Outbox.PendingMessagesAsync(ct)),
            ("Outbox.RecordDelivery", true, (c, ct) => c.Engine.Outbox.RecordDeliveryAsync("req-done/follow-up", DeliveryResult.Failed, "sender", ct)),
            ("Worklist.Get", false, (c, ct) => c.Engine.Worklist.GetAsync(ct)),
            ("Worklist.Get(actor)", true, (c, ct) => c.Engine.Worklist.GetAsync("coord-1", ct)),
            ("Records.Read", true, (c, ct) => c.Engine.Records.ReadAsync<Visit>("req-done", "coord-1", ct)),
            ("Records.PatientRecords", true, (c, ct) => c.Engine.Records.PatientRecordsAsync("pat-1", "coord-1", ct)),
            ("Records.Export", true, (c, ct) => c.Engine.Records.ExportAsync("coord-1", ct)),
            ("Records.ReadsOf", false, (c, ct) => c.Engine.Records.ReadsOfAsync("pat-1", ct)),
            ("Records.AuditTrail", false, (c, ct) => c.Engine.Records.AuditTrailAsync(ct)),
            ("Records.VerifyAudit", false, (c, ct) => c.Engine.Records.VerifyAuditAsync(ct)),
            ("Records.Import", true, (c, ct) => c.Engine.Records.ImportAsync(new RecordsImport([], [], [new Consent("consent-9", "pat-2", "treatment", T0, null, null)], []), "ehr-feed", ct)),
        ];
    }

    private static Task<Claim> CreateClaim(Clinic clinic, string id, CancellationToken ct)
    {
        var (patient, coverage, billing, rendering, diagnoses, lines) = ClaimParts();
        return clinic.Engine.Claims.CreateAsync(id, "req-done", patient, coverage, billing, rendering, diagnoses, lines, "biller-1", ct);
    }

    public static TheoryData<string, string> OperationsOnEachStore()
    {
        var data = new TheoryData<string, string>();
        foreach (var store in new[] { "memory", "sqlite" })
        {
            foreach (var (name, _, _) in Operations())
            {
                data.Add(store, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OperationsOnEachStore))]
    public async Task Operation_GivenACancelledToken_ThrowsAndLeavesTheStoreAsItWas(string storeKind, string operation)
    {
        var (_, changes, run) = Operations().Single(o => o.Name == operation);
        var clinic = await Build(storeKind);
        var before = await Snapshot(clinic.Store);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run(clinic, cancelled.Token));

        Assert.Equal(before, await Snapshot(clinic.Store));

        // The same call with a live token goes through: the cancellation, not the arguments, stopped it.
        await run(clinic, CancellationToken.None);
        if (changes is { } changing)
        {
            Assert.Equal(changing, before != await Snapshot(clinic.Store));
        }
    }

    [Fact]
    public void Operations_CoverEveryPublicOperationOfEveryService()
    {
        var services = typeof(CoordinationEngine).GetProperties().Select(p => p.PropertyType).Where(t => t.Name.EndsWith("Service", StringComparison.Ordinal)).ToList();
        var methods = services.SelectMany(s => s.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Select(m => $"{s.Name.Replace("Service", string.Empty, StringComparison.Ordinal)}.{m.Name.Replace("Async", string.Empty, StringComparison.Ordinal)}")).Distinct();
        var covered = Operations().Select(o => o.Name.Split('(')[0].Replace("CarePlans", "CarePlan", StringComparison.Ordinal).Replace("Visits", "Visit", StringComparison.Ordinal)
            .Replace("Referrals", "Referral", StringComparison.Ordinal).Replace("Claims", "Claim", StringComparison.Ordinal)).ToHashSet();

        Assert.Equal(8, services.Count);
        Assert.Equal(methods.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    /// <summary>A log entry as written: its event, its formatted message and every structured value.</summary>
    private sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State, Exception? Exception);

    /// <summary>Captures every entry at every level.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ILoggerFactory
    {
        private readonly List<Entry> _entries = [];

        public IReadOnlyList<Entry> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
                lock (provider._entries)
                {
                    provider._entries.Add(new Entry(category, logLevel, eventId, formatter(state, exception), [.. values], exception));
                }
            }
        }
    }

    [Fact]
    public async Task Operations_LogTheirNamedEvents_AndNoPatientData()
    {
        var log = new CapturingLoggerProvider();
        var clinic = await Build("sqlite", log);
        var engine = clinic.Engine;
        var seen = log.Entries.Count;
        async Task<T> Logged<T>(string what, Func<Task<T>> operation, params (int Id, string Name)[] events)
        {
            var result = await operation();
            var entries = log.Entries.Skip(seen).ToList();
            seen += entries.Count;
            Assert.True(events.SequenceEqual(entries.Select(e => (e.EventId.Id, e.EventId.Name!))), $"{what}: logged {string.Join(", ", entries.Select(e => $"{e.EventId.Id} {e.EventId.Name}"))}");
            return result;
        }

        // The setup itself logged every step it took: the plan, the booking, the moves, the claim, the results, the referral.
        Assert.Equal(
            [4101, 4102, 4201, 4202, 4202, 4202, 4202, 4202, 4501, 4301, 4301, 4302, 4401],
            log.Entries.Select(e => e.EventId.Id));

        await Logged("create plan", () => engine.CarePlans.CreateAsync("plan-2", "pat-1", [new CarePlanGoal("g1", GoalText)], [Consult], "coord-1"), (4101, "CarePlanCreated"));
        await Logged("change plan", () => engine.CarePlans.ChangeAsync("plan-2", (p, c) => CarePlanLifecycle.SetStatus(p, CarePlanStatus.Active, "coord-1", c), "coord-1"), (4102, "CarePlanChanged"));
        var (problem, schedule) = Schedule(("plan-2/consult/1", "pat-1", "new-patient", T0 + Duration.FromDays(2)));
        await Logged("book", () => engine.Visits.BookAsync(problem, schedule, "scheduler"), (4201, "VisitsBooked"));
        var refused = await Logged("check-in refused", () => engine.Visits.CheckInAsync("plan-1/consult/1", "desk-1"), (4203, "CheckInRefused"));
        Assert.False(refused.CheckedIn);
        await Logged("consent", async () =>
        {
            await engine.Visits.RecordConsentAsync(new Consent("consent-1", "pat-1", "treatment", T0 - Duration.FromDays(30), null, null), "desk-1");
            return true;
        }, (4206, "FormRecorded"));
        await Logged("intake", async () =>
        {
            await engine.Visits.RecordIntakeAsync(new IntakeResponse("plan-1/consult/1", "pat-1", T0), "pat-1");
            return true;
        }, (4206, "FormRecorded"));
        await Logged("arrive", () => engine.Visits.ArriveAsync("plan-1/consult/1", "desk-1"), (4202, "VisitMoved"));
        var accepted = await Logged("check-in accepted", () => engine.Visits.CheckInAsync("plan-1/consult/1", "desk-1"), (4202, "VisitMoved"));
        Assert.True(accepted.CheckedIn);
        await Logged("fulfil", () => engine.Visits.FulfilAsync("plan-1/consult/1", "dr-a"), (4202, "VisitMoved"));
        await Logged("cancel", () => engine.Visits.CancelAsync("plan-2/consult/1", "desk-1"), (4202, "VisitMoved"));
        var noShows = await Logged("no-shows", () => engine.Visits.MarkNoShowsAsync(), (4204, "NoShowsMarked"));
        Assert.Equal(["req-late"], noShows.Marked.Select(v => v.Id));
        await Logged("receive", () => engine.Results.ReceiveAsync(new IncomingResult("res-3", "pat-1", "dr-a", ResultKind, ResultStatus.Final, true), "lab"), (4301, "ResultReceived"));
        await Logged("complete", () => engine.Results.CompleteTaskAsync("res-3", "res-3/v1/ProviderReview", "dr-a"), (4302, "ResultTaskCompleted"));
        var message = await Logged("release", () => engine.Results.ReleaseAsync("res-3", "res-3/v1/PatientNotification", "dr-a"), (4303, "ResultReleased"));
        clinic.Clock.Advance(Duration.FromHours(14)); // past the quiet hours the notification may wait for
        var due = await Logged("due messages", () => engine.Outbox.DueMessagesAsync(), (4602, "MessagesDue"));
        Assert.Contains(message.Id, due.Select(m => m.Id));
        await Logged("delivery", () => engine.Outbox.RecordDeliveryAsync(message.Id, DeliveryResult.Delivered, "sender"), (4601, "MessageDelivery"));
        await Logged("referral sent", () => engine.Referrals.MoveAsync("ref-1", ReferralStatus.Sent, "dr-a", ReferralReason), (4401, "ReferralMoved"));
        await Logged("referral declined", () => engine.Referrals.MoveAsync("ref-1", ReferralStatus.Declined, "dermatology-desk", ReferralReason), (4401, "ReferralMoved"));
        await Logged("claim create", () => CreateClaim(clinic, "claim-2", CancellationToken.None), (4501, "ClaimMoved"));
        await Logged("claim ready", () => engine.Claims.MoveAsync("claim-2", ClaimStatus.Ready, "biller-1", ClaimReason), (4501, "ClaimMoved"));
        await Logged("remittances", () => engine.Claims.PostRemittancesAsync([], [clinic.Claim], "clearinghouse"), (4502, "ClaimsTakenIn"));
        clinic.Clock.Advance(Duration.FromDays(40));
        var worklist = await Logged("worklist", () => engine.Worklist.GetAsync("coord-1"), (4701, "WorklistBuilt"));
        Assert.NotEmpty(worklist.NoShows);
        Assert.NotEmpty(worklist.Referrals);
        await Logged("patient records", () => engine.Records.PatientRecordsAsync("pat-1", "coord-1"), (4801, "RecordsRead"));
        await Logged("export", () => engine.Records.ExportAsync("coord-1"), (4801, "RecordsRead"));
        await Logged("import", () => engine.Records.ImportAsync(new RecordsImport([], [], [new Consent("consent-9", "pat-2", "treatment", T0, null, null)], []), "ehr-feed"), (4802, "RecordsImported"));
        var conflict = await Logged("conflict", () => Assert.ThrowsAsync<StoreConcurrencyException>(() => engine.CarePlans.CreateAsync("plan-1", "pat-1", [new CarePlanGoal("g1", GoalText)], [Consult], "coord-1")),
            (4001, "CommitConflict"));

        var conflictEntry = log.Entries.Single(e => e.EventId.Id == 4001);
        Assert.Equal(LogLevel.Warning, conflictEntry.Level);
        Assert.Equal(("care-plan", "plan-1"), ((string)conflictEntry.State.Single(v => v.Key == "Kind").Value!, (string)conflictEntry.State.Single(v => v.Key == "Id").Value!));
        Assert.Equal(0L, conflict.ExpectedVersion);
        Assert.True(conflict.StoredVersion > 0);

        // The patient data is in the records: the check below looks for what is really there.
        var stored = await Snapshot(clinic.Store);
        Assert.All(PatientData.Where(d => !d.Contains('/', StringComparison.Ordinal) && d != "19310719" && d != "2026-12-07 1"), d => Assert.Contains(d, stored, StringComparison.Ordinal));

        var written = log.Entries.SelectMany(e => new[] { e.Message, e.Exception?.Message ?? string.Empty }
            .Concat(e.State.Select(v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty))).ToList();
        Assert.True(written.Count > 100);
        foreach (var data in PatientData)
        {
            Assert.DoesNotContain(written, w => w.Contains(data, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>A store that, the first time the open visits are listed, has someone else change one of them right after.</summary>
    private sealed class RacingStore(IEngineStore inner, string visitId) : IEngineStore
    {
        private bool _raced;

        public Task<Stored<T>?> FindAsync<T>(string id, CancellationToken cancellationToken)
            where T : class => inner.FindAsync<T>(id, cancellationToken);

        public Task<IReadOnlyList<Stored<T>>> FindManyAsync<T>(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
            where T : class => inner.FindManyAsync<T>(ids, cancellationToken);

        public async Task<IReadOnlyList<Stored<T>>> ListAsync<T>(RecordQuery query, CancellationToken cancellationToken)
            where T : class
        {
            var listed = await inner.ListAsync<T>(query, cancellationToken);
            if (typeof(T) == typeof(Visit) && query.OpenOnly && !_raced)
            {
                _raced = true;
                var visit = (await inner.FindAsync<Visit>(visitId, cancellationToken))!;
                await inner.CommitAsync([StoreChange.Of(visitId, visit.Value, visit.Version, "desk-2", "Visit.Saved")], [], cancellationToken);
            }

            return listed;
        }

        public Task CommitAsync(IReadOnlyList<StoreChange> changes, IReadOnlyList<StoreRead> reads, CancellationToken cancellationToken) => inner.CommitAsync(changes, reads, cancellationToken);

        public Task RecordAccessAsync(string actor, string operation, IReadOnlyList<AccessedRecord> records, CancellationToken cancellationToken) =>
            inner.RecordAccessAsync(actor, operation, records, cancellationToken);

        public Task<IReadOnlyList<AuditEntry>> AuditTrailAsync(CancellationToken cancellationToken) => inner.AuditTrailAsync(cancellationToken);

        public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken) => inner.VerifyAuditAsync(cancellationToken);
    }

    [Fact]
    public async Task NoShowChangedMeanwhile_LogsTheConflictAndTheFailure_IdsOnly()
    {
        var log = new CapturingLoggerProvider();
        var clinic = await Build("memory");
        var engine = CoordinationEngine.Over(new RacingStore(clinic.Store, "req-late"), clinic.Clock, Options.Create(Settings()), log);

        var report = await engine.Visits.MarkNoShowsAsync();

        Assert.Empty(report.Marked);
        Assert.Equal(["req-late"], report.Failures.Select(f => f.VisitId));
        Assert.Equal([(4001, "CommitConflict"), (4205, "NoShowFailed"), (4204, "NoShowsMarked")], log.Entries.Select(e => (e.EventId.Id, e.EventId.Name!)));
        Assert.Equal("Visit req-late could not be marked no-show (StoreConcurrencyException)", log.Entries[1].Message);
        Assert.Equal("0 visits marked no-show, 1 could not be marked", log.Entries[2].Message);
        Assert.Equal(VisitStatus.Booked, (await clinic.Store.FindAsync<Visit>("req-late", CancellationToken.None))!.Value.Status);
    }
}
