using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Audit;

/// <summary>The audit trail in SQLite: every edit, deletion or reordering of <c>audit_log</c> rows is caught and the first bad entry named.</summary>
public sealed class AuditTrailTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-audit-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private (SqliteAuditLog Log, string Path) LogWith(int entries)
    {
        var path = System.IO.Path.Combine(_dir, $"engine-{Guid.NewGuid():N}.db");
        var clock = new FakeClock(Instant.FromUtc(2026, 3, 8, 6, 30), Duration.FromMinutes(7));
        var log = new SqliteAuditLog(SqliteDatabase.Open(path), clock);
        for (var i = 1; i <= entries; i++)
        {
            log.Append($"user-{i % 3}", "referral", $"ref-{i % 4}", i % 2 == 0 ? "Sent" : "Accepted");
        }

        return (log, path);
    }

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Append_ChainsEachEntryToTheLast_AndVerifies()
    {
        var (log, _) = LogWith(5);

        var entries = log.Read();

        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Sequence));
        Assert.Equal(AuditEntry.GenesisHash, entries[0].PreviousHash);
        Assert.All(entries.Skip(1).Zip(entries), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
        Assert.Equal(Instant.FromUtc(2026, 3, 8, 6, 37), entries[1].At);
        Assert.Equal(new AuditVerification(true, 5, null, null) { Head = $"5:{entries[^1].Hash}" }, log.Verify());
    }

    [Theory]
    [InlineData("UPDATE audit_log SET action = 'Closed' WHERE sequence = 3", 3L, "edited")]
    [InlineData("UPDATE audit_log SET at = '2026-03-08T06:31:00Z' WHERE sequence = 2", 2L, "edited")]
    [InlineData("UPDATE audit_log SET at = 'yesterday' WHERE sequence = 4", 4L, "edited")]
    [InlineData("DELETE FROM audit_log WHERE sequence = 2", 2L, "deleted")]
    [InlineData("DELETE FROM audit_log WHERE sequence = 6", 6L, "deleted")]
    [InlineData("UPDATE audit_log SET sequence = -sequence WHERE sequence IN (2, 4); UPDATE audit_log SET sequence = 4 WHERE sequence = -2; UPDATE audit_log SET sequence = 2 WHERE sequence = -4", 2L, "")]
    public void Verify_TamperedRow_NamesTheFirstBadEntry(string tamper, long firstBad, string word)
    {
        var (log, path) = LogWith(6);

        Sql(path, tamper);
        var result = log.Verify();

        Assert.False(result.Intact);
        Assert.Equal(firstBad, result.FirstBadSequence);
        Assert.Contains(word, result.Problem);
    }

    [Fact]
    public void Open_ExistingDatabase_KeepsItsEntriesAndSchema()
    {
        var (log, path) = LogWith(3);

        var reopened = new SqliteAuditLog(SqliteDatabase.Open(path), new FakeClock(Instant.FromUtc(2026, 11, 1, 5, 0)));
        reopened.Append("user-9", "result", "res-1", "Acknowledged");

        Assert.Equal(4, reopened.Read().Count);
        Assert.True(reopened.Verify().Intact);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var version = connection.CreateCommand();
        version.CommandText = "SELECT version FROM schema_version";
        Assert.Equal((long)SqliteDatabase.CurrentVersion, version.ExecuteScalar());
    }

    [Fact]
    public void Append_FromTwoConnectionsAtOnce_KeepsOneUnbrokenChain()
    {
        var (_, path) = LogWith(0);
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 1, 5, 0));
        var first = new SqliteAuditLog(SqliteDatabase.Open(path), clock);
        var second = new SqliteAuditLog(SqliteDatabase.Open(path), clock);

        Parallel.For(0, 40, i => (i % 2 == 0 ? first : second).Append($"user-{i}", "referral", $"ref-{i}", "Sent"));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), first.Read().Select(e => e.Sequence));
        Assert.True(second.Verify().Intact);
    }

    [Property(MaxTest = 30)]
    public void Verify_AnyEditOfAnyEntry_IsCaughtThere(PositiveInt count, NonNegativeInt which)
    {
        var entries = new List<AuditEntry>();
        var previous = AuditEntry.GenesisHash;
        var n = 1 + (count.Get % 20);
        for (var i = 1; i <= n; i++)
        {
            var at = Instant.FromUtc(2026, 1, 1, 0, 0) + Duration.FromMinutes(i);
            var entry = new AuditEntry(i, at, "u", "visit", $"v-{i}", "Arrived", previous, AuditEntry.ComputeHash(i, at, "u", "visit", $"v-{i}", "Arrived", previous));
            entries.Add(entry);
            previous = entry.Hash;
        }

        var k = which.Get % n;
        Assert.True(AuditChain.Verify(entries, (n, previous)).Intact);
        var edited = entries.Select((e, i) => i == k ? e with { EntityId = e.EntityId + "x" } : e).ToList();
        Assert.Equal(k + 1, AuditChain.Verify(edited, (n, previous)).FirstBadSequence);
        var dropped = entries.Where((_, i) => i != k).ToList();
        Assert.Equal(k + 1, AuditChain.Verify(dropped, (n, previous)).FirstBadSequence);
    }
}
