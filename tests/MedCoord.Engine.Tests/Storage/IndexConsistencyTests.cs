using System.Globalization;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Communications;
using MedCoord.Engine.Results;
using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Storage;

/// <summary>The index stays the record's own: at tick precision, against a commit racing the first indexing, and all or nothing in memory.</summary>
public sealed class IndexConsistencyTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 15, 0);
    private static readonly EngineOptions Settings = new() { ClinicZone = "America/New_York" };
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-index-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static SqliteEngineStore Sqlite(string path, IClock? auditClock = null)
    {
        var database = SqliteDatabase.Open(path);
        return new SqliteEngineStore(database, new SqliteAuditLog(database, auditClock ?? SystemClock.Instance));
    }

    private static CoordinationEngine Engine(IEngineStore store, IClock clock) => CoordinationEngine.Over(store, clock, Microsoft.Extensions.Options.Options.Create(Settings));

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "NULL";
    }

    /// <summary>A send time with nanoseconds below one tick: the index keeps it at tick precision, and the untouched row verifies.</summary>
    [Fact]
    public async Task SubTickSendAt_UntouchedDatabase_VerifiesIntact()
    {
        var path = Path.Combine(_dir, "subtick.db");
        var store = Sqlite(path);
        var message = new OutboxMessage("msg-1", "visit-1", "pat-1", MessagePurpose.Reminder, "reminder-2h", T0 + Duration.FromNanoseconds(50), null, null);
        await store.CommitAsync([StoreChange.Of(message.Id, message, 0, "desk-1", "Message.Planned")], [], CancellationToken.None);

        var verification = await store.VerifyAuditAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Problem);
    }

    /// <summary>Same, through the engine: a result released at a clock instant with sub-tick nanoseconds.</summary>
    [Fact]
    public async Task SubTickClock_ReleaseResult_VerifiesIntact()
    {
        var path = Path.Combine(_dir, "subtick2.db");
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 17, 0) + Duration.FromNanoseconds(7));
        var store = Sqlite(path);
        var engine = Engine(store, clock);
        var review = await engine.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Final, false), "lab");
        var notify = await engine.Results.CompleteTaskAsync("res-1", review.Id, "dr-a");
        await engine.Results.ReleaseAsync("res-1", notify!.Id, "dr-a");

        var verification = await engine.Records.VerifyAuditAsync();
        Assert.True(verification.Intact, verification.Problem);
    }

    private sealed class GatedClock(IClock inner) : IClock
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _release = new(true);
        private int _armed;

        public Task Entered => _entered.Task;

        public void Arm()
        {
            _release.Reset();
            _armed = 1;
        }

        public void Release() => _release.Set();

        public Instant GetCurrentInstant()
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _entered.TrySetResult();
                _release.Wait(TimeSpan.FromSeconds(20));
            }

            return inner.GetCurrentInstant();
        }
    }

    /// <summary>
    /// Process A opens a database with unindexed rows (just migrated) while process B commits a new version of one of
    /// them: A writes the index of the version it read only if the row is still that version, so B's index stands.
    /// </summary>
    [Fact]
    public async Task IndexUnindexed_RacingACommit_KeepsTheNewVersionsIndex_AndTheReopenedResultOnTheWorklist()
    {
        var path = Path.Combine(_dir, "race.db");
        var clock = new FakeClock(T0);
        var setup = Engine(Sqlite(path), clock);
        var review = await setup.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Final, false), "lab");
        var notify = await setup.Results.CompleteTaskAsync("res-1", review.Id, "dr-a");
        await setup.Results.CompleteTaskAsync("res-1", notify!.Id, "dr-a");
        Assert.Equal("0", Scalar(path, "SELECT open FROM records WHERE id = 'res-1'"));

        // Process B: an engine already running on the file.
        var gate = new GatedClock(SystemClock.Instance);
        var engineB = Engine(Sqlite(path, gate), clock);

        // The rows as a database from before migration 5 leaves them (or a first start still indexing).
        Sql(path, "UPDATE records SET indexed = 0, patient_id = NULL, open = 1, due_at = NULL, ref = NULL");

        // B takes in an amended result: a new review task opens. Its audit append waits inside the write transaction.
        gate.Arm();
        var receive = Task.Run(() => engineB.Results.ReceiveAsync(new IncomingResult("res-1", "pat-1", "dr-a", "lipids", ResultStatus.Amended, true), "lab"));
        await gate.Entered;

        // Process A starts: its constructor reads the unindexed row (the committed, closed version) and waits for the write lock.
        var opening = Task.Run(() => Sqlite(path));
        await Task.Delay(1500);
        gate.Release();
        await receive;
        await opening;

        // The row holds B's new version (a review open) but A's index of the old one.
        Assert.Equal("4", Scalar(path, "SELECT version FROM records WHERE id = 'res-1'"));
        var openColumn = Scalar(path, "SELECT open FROM records WHERE id = 'res-1'");
        var late = new FakeClock(T0 + Duration.FromDays(30));
        var fresh = Sqlite(path);
        var worklist = await Engine(fresh, late).Worklist.GetAsync();
        var verification = await fresh.VerifyAuditAsync(CancellationToken.None);
        Assert.True(
            openColumn == "1" && worklist.ResultTasks.Count == 1 && verification.Intact,
            $"open column {openColumn}; worklist result tasks {worklist.ResultTasks.Count}; verification {verification.Intact}: {verification.Problem}");
    }
}

/// <summary>The in-memory store commits all or nothing, its index included.</summary>
public sealed class InMemoryCommitTests
{
    /// <summary>A record whose index cannot be derived fails the commit before anything is saved.</summary>
    [Fact]
    public async Task Commit_IndexOfALaterChangeThrows_NothingIsSaved()
    {
        var store = new InMemoryEngineStore(SystemClock.Instance);
        var visit = new MedCoord.Engine.Visits.Visit("visit-1", "pat-1", "follow-up", Instant.FromUtc(2026, 12, 7, 15, 0), MedCoord.Engine.Visits.VisitStatus.Booked, []);
        var claim = MedCoord.Engine.Tests.Billing.ClaimTests.Sample().Claims[0] with { Patient = null! };
        var thrown = await Record.ExceptionAsync(() => store.CommitAsync([StoreChange.Of(visit.Id, visit, 0, "desk-1", "Visit.Booked"), StoreChange.Of(claim.Id, claim, 0, "desk-1", "Claim.Draft")], [], CancellationToken.None));
        var saved = await store.FindAsync<MedCoord.Engine.Visits.Visit>("visit-1", CancellationToken.None);
        var trail = await store.AuditTrailAsync(CancellationToken.None);
        Assert.NotNull(thrown);
        Assert.Null(saved);
        Assert.Empty(trail);
    }
}
