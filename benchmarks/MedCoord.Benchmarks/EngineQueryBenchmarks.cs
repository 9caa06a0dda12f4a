using System.Globalization;
using BenchmarkDotNet.Attributes;
using MedCoord.Engine;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using MedCoord.Engine.Visits;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;

namespace MedCoord.Benchmarks;

/// <summary>
/// The worklist and the due messages over an engine database holding a clinic's history: <see cref="Records"/> records
/// in SQLite, of which about 1 % still wait on someone (the rest fulfilled visits, delivered or cancelled messages and
/// closed referrals). The index reads the open records only; the baselines read whole tables as the engine did before it.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EngineQueryBenchmarks
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 15, 0);
    private string _path = null!;
    private CoordinationEngine _engine = null!;
    private IEngineStore _store = null!;
    private FakeClock _clock = null!;

    [Params(10_000, 100_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"medcoord-bench-{Guid.NewGuid():N}.db");
        _clock = new FakeClock(Now);
        var database = SqliteDatabase.Open(_path);
        _store = new SqliteEngineStore(database, new SqliteAuditLog(database, _clock));
        _engine = CoordinationEngine.Over(_store, _clock, Options.Create(new EngineOptions()));
        EngineHistory.Seed(_store, Records, Now);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark]
    public async Task<int> Worklist() => (await _engine.Worklist.GetAsync()).Visits.Count;

    /// <summary>The worklist from every record of every kind it needs, filtered in memory.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> WorklistFromWholeTables()
    {
        var options = new EngineOptions();
        var visits = (await _store.ListAsync<Visit>(RecordQuery.All, default)).Select(v => v.Value).ToList();
        var plans = (await _store.ListAsync<CarePlan>(RecordQuery.All, default)).Select(p => p.Value).ToList();
        _ = ReferralWorklist.Overdue((await _store.ListAsync<Referral>(RecordQuery.All, default)).Select(r => r.Value), options.Referrals, Now);
        _ = ResultThreads.Overdue((await _store.ListAsync<ResultThread>(RecordQuery.All, default)).Select(t => t.Value), options.Results, _clock);
        _ = ClaimWorklist.Stalled((await _store.ListAsync<Claim>(RecordQuery.All, default)).Select(c => c.Value), options.Claims, Now);
        _ = CarePlanRequests.Overdue(plans, Now.InUtc().Date);
        return VisitDesk.Stalled(visits, options.CheckInGrace, options.Visits, Now).Count;
    }

    [Benchmark]
    public async Task<int> DueMessages() => (await _engine.Outbox.DueMessagesAsync()).Count;

    /// <summary>The due messages from every message, visit and result, filtered in memory.</summary>
    [Benchmark]
    public async Task<int> DueMessagesFromWholeTables() => Outbox.Due(
        (await _store.ListAsync<OutboxMessage>(RecordQuery.All, default)).Select(m => m.Value),
        (await _store.ListAsync<Visit>(RecordQuery.All, default)).Select(v => v.Value),
        (await _store.ListAsync<ResultThread>(RecordQuery.All, default)).Select(t => t.Value),
        _clock).Count;
}

/// <summary>A clinic's history as engine records, for measuring reads against a full database.</summary>
internal static class EngineHistory
{
    /// <summary>
    /// Writes <paramref name="records"/> records, a thousand per commit: 45 % visits and 45 % their messages (99 %
    /// fulfilled and delivered; of the rest, visits booked past their start and pending messages, half of them due),
    /// and 10 % referrals (98 % closed).
    /// </summary>
    public static void Seed(IEngineStore store, int records, Instant now)
    {
        var changes = new List<StoreChange>();
        void Add<T>(string id, T value)
            where T : class
        {
            changes.Add(StoreChange.Of(id, value, 0, "seed", "Seed.Imported"));
            if (changes.Count == 1000)
            {
                store.CommitAsync(changes, [], CancellationToken.None).GetAwaiter().GetResult();
                changes.Clear();
            }
        }

        var visits = records * 45 / 100;
        for (var i = 0; i < visits; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"visit-{i:D7}");
            var patient = string.Create(CultureInfo.InvariantCulture, $"pat-{i % 20_000:D5}");
            var open = i % 100 == 0;
            var start = now - Duration.FromHours(2 + (i % 5000));
            Add(id, new Visit(id, patient, "follow-up", start, open ? VisitStatus.Booked : VisitStatus.Fulfilled, []));
            var messageId = id + "/reminder-24h";
            Add(messageId, new OutboxMessage(messageId, id, patient, MessagePurpose.Reminder, "reminder-24h",
                open && i % 200 == 0 ? now - Duration.FromMinutes(5) : open ? now + Duration.FromHours(6) : start - Duration.FromHours(24),
                open ? null : DeliveryResult.Delivered, open ? null : start - Duration.FromHours(24)));
        }

        for (var i = 0; i < records - (2 * visits); i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"ref-{i:D7}");
            var patient = string.Create(CultureInfo.InvariantCulture, $"pat-{i % 20_000:D5}");
            var created = now - Duration.FromDays(10 + (i % 300));
            Add(id, new Referral(id, patient, "dr-1", "cardiology", ReferralPriority.Routine, created, i % 50 == 0 ? ReferralStatus.Sent : ReferralStatus.Closed, created, []));
        }

        if (changes.Count > 0)
        {
            store.CommitAsync(changes, [], CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}
