using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord audit verify</c>: 0 when the chain is intact, 1 naming the first bad entry, 2 when there is no database.</summary>
internal sealed record AuditVerifyCommand(string DatabasePath)
{
    /// <summary>Exit code: the chain is broken.</summary>
    public const int Broken = 1;

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        if (!File.Exists(DatabasePath))
        {
            await stderr.WriteLineAsync($"--db: no database file at {DatabasePath}");
            return SolverCommandLine.BadInput;
        }

        if (NotTheEngines(DatabasePath) is { } why)
        {
            await stderr.WriteLineAsync($"--db: cannot verify '{DatabasePath}': {why}");
            return SolverCommandLine.BadInput;
        }

        // Verifying reads only; the clock is never asked.
        var log = new SqliteAuditLog(SqliteDatabase.Open(DatabasePath), SystemClock.Instance);
        var result = log.Verify();
        if (result.Intact)
        {
            console.MarkupLine(Markup.Escape($"audit log intact: {result.Entries} entries, every hash chained"));
            return SolverCommandLine.Success;
        }

        await stderr.WriteLineAsync($"audit log broken at entry {result.FirstBadSequence}: {result.Problem}");
        return Broken;
    }

    /// <summary>
    /// Why the file is not an engine database, or null when it is one: it is looked at read-only first, because opening
    /// it as the engine's database would create the engine's tables in any file it were given.
    /// </summary>
    private static string? NotTheEngines(string path)
    {
        var header = new byte[16];
        using (var file = File.OpenRead(path))
        {
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.AsSpan().SequenceEqual("SQLite format 3\0"u8))
            {
                return "it is not a SQLite database";
            }
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('audit_log', 'audit_tip')";
            return Convert.ToInt64(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 2 ? null : "it has no audit trail (not a MedCoord engine database)";
        }
        catch (SqliteException ex)
        {
            return $"it cannot be read as a SQLite database (SQLite error {ex.SqliteErrorCode})";
        }
    }
}
