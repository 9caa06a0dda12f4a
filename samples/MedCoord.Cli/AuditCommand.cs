using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
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
}
