using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using static MedCoord.Cli.Tests.ConsoleRun;

namespace MedCoord.Cli.Tests;

/// <summary>One database written by <c>medcoord demo</c> with both keys, shared by the tests (each tampers with its own copy).</summary>
public sealed class DemoDatabase : IDisposable
{
    public DemoDatabase()
    {
        Dir = Directory.CreateTempSubdirectory("medcoord-demo-").FullName;
        (DataKey, AuditKey) = (Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        (DataKeyFile, AuditKeyFile) = (Path.Combine(Dir, "data.key"), Path.Combine(Dir, "audit.key"));
        File.WriteAllText(DataKeyFile, DataKey + "\n");
        File.WriteAllText(AuditKeyFile, AuditKey);
        Path_ = System.IO.Path.Combine(Dir, "demo.db");
        (Code, Out, Err) = Run("demo", "--db", Path_, "--data-key-file", DataKeyFile, "--audit-key-file", AuditKeyFile).GetAwaiter().GetResult();
    }

    public string Dir { get; }

    public string Path_ { get; }

    public string DataKey { get; }

    public string AuditKey { get; }

    public string DataKeyFile { get; }

    public string AuditKeyFile { get; }

    public int Code { get; }

    public string Out { get; }

    public string Err { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>
/// <c>medcoord audit verify</c> and <c>audit checkpoint</c> on databases written by <c>medcoord demo</c>: intact → 0;
/// edited, deleted or inserted records and entries, a chain recomputed without the key, a truncation behind a checkpoint
/// → 1 naming what was found; bad input and wrong keys → 2; keyed entries without the key → 3; the file never changes.
/// </summary>
public sealed class AuditCommandLineTests(DemoDatabase demo) : IClassFixture<DemoDatabase>
{
    private string Copy()
    {
        var path = Path.Combine(demo.Dir, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(demo.Path_, path);
        return path;
    }

    private Task<(int Code, string Out, string Err)> Verify(string db, params string[] more) =>
        Run(["audit", "verify", "--db", db, "--data-key-file", demo.DataKeyFile, "--audit-key-file", demo.AuditKeyFile, .. more]);

    private static void Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Demo_WithKeys_HoldsNoPatientDataInClear_VerifiesAndLeavesTheFileUnchanged()
    {
        var db = Copy();
        var bytes = File.ReadAllBytes(db);

        var (code, stdout, stderr) = await Verify(db);
        var (fromEnvironment, _, _) = await RunWith(new Dictionary<string, string> { ["MEDCOORD_DATA_KEY"] = demo.DataKey, ["MEDCOORD_AUDIT_KEY"] = demo.AuditKey }, "audit", "verify", "--db", db);

        Assert.Equal((0, string.Empty), (demo.Code, demo.Err));
        Assert.Contains("claim CLM-DEMO-0001 for plan-a/consult/1: ready to submit", demo.Out);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.All(["Rivera", "1968-04-12", "120 Elm St", "80202"], value => Assert.DoesNotContain(value, text));
        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Matches(@"^audit log intact: \d+ entries, every hash chained; (\d+) records match the entries that wrote them; \d+ keyed entries checked with the audit key; \1 encrypted records open with the data key\s*$", stdout);
        Assert.Equal(0, fromEnvironment);
        Assert.Equal(bytes, File.ReadAllBytes(db));
        Assert.Equal([Path.GetFileName(db)], Directory.GetFiles(demo.Dir, Path.GetFileName(db) + "*").Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("edit record", "UPDATE records SET body = (CASE substr(body, 1, 1) WHEN 'A' THEN 'B' ELSE 'A' END) || substr(body, 2) WHERE kind = 'claim'", "the claim 'CLM-DEMO-0001' is not what entry")]
    [InlineData("delete record", "DELETE FROM records WHERE kind = 'consent'", "the consent 'consent-a' that entry")]
    [InlineData("insert record", "INSERT INTO records (kind, id, version, key_id, body) SELECT kind, 'CLM-DEMO-0002', version, key_id, body FROM records WHERE kind = 'claim'", "audit log broken: the claim 'CLM-DEMO-0002' was written by no audit entry: added outside the engine")]
    [InlineData("edit entry", "UPDATE audit_log SET actor = 'someone-else' WHERE sequence = 5", "audit log broken at entry 5: entry 5 does not match its hash: edited")]
    [InlineData("delete entry", "DELETE FROM audit_log WHERE sequence = 7", "audit log broken at entry 7: entry 7 is missing (the next entry is 8): deleted")]
    [InlineData("insert entry", "INSERT INTO audit_log SELECT sequence + 1000, at, actor, entity_type, entity_id, action, hash, hash, format, content, key_id FROM audit_log WHERE sequence = (SELECT max(sequence) FROM audit_log)", "audit log broken at entry")]
    [InlineData("downgrade", "UPDATE audit_log SET format = 1 WHERE sequence = 3", "audit log broken at entry 3:")]
    public async Task Verify_DemoDatabaseTampered_ExitsOneNamingWhatItFound(string tamper, string sql, string expected)
    {
        var db = Copy();
        Sql(db, sql);
        var bytes = File.ReadAllBytes(db);

        var (code, _, stderr) = await Verify(db);

        Assert.True(code == 1, $"{tamper}: exit {code}, {stderr}");
        Assert.Contains(expected, stderr);
        Assert.Equal(bytes, File.ReadAllBytes(db));
    }

    /// <summary>Whoever can write the file but has no key edits the claim's entry and recomputes every hash after it as SHA-256.</summary>
    [Fact]
    public async Task Verify_ChainRecomputedWithoutTheKey_ExitsOne()
    {
        var db = Copy();
        Sql(db, "UPDATE audit_log SET actor = 'someone-else', key_id = NULL WHERE entity_type = 'claim'");
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            var rows = new List<object[]>();
            using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT sequence, at, actor, entity_type, entity_id, action, format, content FROM audit_log ORDER BY sequence";
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    var values = new object[8];
                    reader.GetValues(values);
                    rows.Add(values);
                }
            }

            var previous = new string('0', 64);
            foreach (var r in rows)
            {
                var fields = new[] { "audit/2", r[0].ToString()!, (string)r[1], (string)r[2], (string)r[3], (string)r[4], (string)r[5], r[7] as string ?? string.Empty, string.Empty, previous };
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(fields.Select(f => $"{f.Length}:{f}\n")))));
                using var write = connection.CreateCommand();
                write.CommandText = "UPDATE audit_log SET previous_hash = $p, hash = $h, key_id = NULL WHERE sequence = $s; UPDATE audit_tip SET hash = $h WHERE sequence = $s";
                write.Parameters.AddWithValue("$p", previous);
                write.Parameters.AddWithValue("$h", hash);
                write.Parameters.AddWithValue("$s", r[0]);
                write.ExecuteNonQuery();
                previous = hash;
            }
        }

        var (code, _, stderr) = await Verify(db);
        var (withoutKey, _, _) = await Run("audit", "verify", "--db", db);

        Assert.Equal(1, code);
        Assert.Contains("is not keyed although the audit key was given: the chain was written or rewritten without the key", stderr);
        Assert.Equal(0, withoutKey);
    }

    [Fact]
    public async Task Checkpoint_ThenTruncatedBehindIt_VerifyWithExpectHeadExitsOne()
    {
        var db = Copy();
        var (code, stdout, _) = await Run("audit", "checkpoint", "--db", db, "--audit-key-file", demo.AuditKeyFile);
        var head = stdout.TrimEnd().Split('\n')[^1].Trim();
        var sequence = long.Parse(head.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);

        // The last entry is the demo's recorded worklist read: dropping it (and pointing the tip back) leaves a consistent chain.
        Sql(db, $"DELETE FROM audit_log WHERE sequence = {sequence}; UPDATE audit_tip SET sequence = {sequence - 1}, hash = (SELECT hash FROM audit_log WHERE sequence = {sequence - 1})");
        var (withoutHead, _, _) = await Verify(db);
        var (truncated, _, stderr) = await Verify(db, "--expect-head", head);
        var (badHead, _, badHeadErr) = await Verify(db, "--expect-head", "12:xyz");

        Assert.Equal(0, code);
        Assert.Matches("^[0-9]+:[0-9a-f]{64}$", head);
        Assert.Equal(0, withoutHead);
        Assert.Equal(1, truncated);
        Assert.Equal($"audit log broken at entry {sequence}: the log ends at entry {sequence - 1}, before the checkpoint at entry {sequence}: entries were deleted (truncated)", stderr.Trim());
        Assert.Equal(2, badHead);
        Assert.Contains("--expect-head: must be SEQ:HASH", badHeadErr);
    }

    [Fact]
    public async Task Verify_WrongKeysOrNoAuditKey_ExitTwoOrThreeNamingKeyIdsOnly()
    {
        var db = Copy();
        var other = Path.Combine(demo.Dir, $"other-{Guid.NewGuid():N}.key");
        File.WriteAllText(other, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var shortKey = Path.Combine(demo.Dir, $"short-{Guid.NewGuid():N}.key");
        File.WriteAllText(shortKey, Convert.ToBase64String(new byte[16]));

        var (wrongAudit, _, wrongAuditErr) = await Run("audit", "verify", "--db", db, "--audit-key-file", other);
        var (wrongData, _, wrongDataErr) = await Run("audit", "verify", "--db", db, "--audit-key-file", demo.AuditKeyFile, "--data-key-file", other);
        var (noKey, noKeyOut, noKeyErr) = await Run("audit", "verify", "--db", db);
        var (badKey, _, badKeyErr) = await Run("audit", "verify", "--db", db, "--data-key-file", shortKey);

        Assert.Equal(2, wrongAudit);
        Assert.Matches("^MEDCOORD_AUDIT_KEY: The audit chain is keyed with audit key [0-9a-f]{16}; the audit key given is [0-9a-f]{16}.$", wrongAuditErr.Trim());
        Assert.Equal(2, wrongData);
        Assert.Matches("^MEDCOORD_DATA_KEY: The [a-z-]+ '[^']+' is encrypted with data key [0-9a-f]{16}; the data keys given are [0-9a-f]{16}.$", wrongDataErr.Trim());
        Assert.Equal(3, noKey);
        Assert.Contains("keyed entries, HMACs not checked", noKeyOut);
        Assert.StartsWith("structure only: ", noKeyErr);
        Assert.Equal(2, badKey);
        Assert.Equal($"--data-key-file: '{shortKey}' does not hold a key: A key must be 32 bytes written in base64; the text given decodes to 16 bytes.", badKeyErr.Trim());
    }

    [Fact]
    public async Task Verify_ForeignSqliteFile_ExitsTwoAndAddsNoTable()
    {
        var db = Path.Combine(demo.Dir, $"foreign-{Guid.NewGuid():N}.db");
        Sql(db, "CREATE TABLE notes (id INTEGER PRIMARY KEY)");
        var bytes = File.ReadAllBytes(db);

        var (code, stdout, stderr) = await Run("audit", "verify", "--db", db);
        var (checkpoint, _, _) = await Run("audit", "checkpoint", "--db", db);

        Assert.Equal((2, 2), (code, checkpoint));
        Assert.Empty(stdout);
        Assert.Equal($"--db: cannot verify '{db}': it is not a MedCoord engine database (its tables are missing)", stderr.Trim());
        Assert.Equal(bytes, File.ReadAllBytes(db));
    }
}
