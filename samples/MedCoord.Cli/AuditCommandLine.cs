using System.CommandLine;

namespace MedCoord.Cli;

/// <summary>The definition of <c>medcoord audit verify|checkpoint</c>; <see cref="AuditCommand"/> runs them.</summary>
internal static class AuditCommandLine
{
    private const string DbDescription = "The engine's SQLite database file (opened read-only).";

    public static Command Define(CommandTable table)
    {
        var db = SharedOptions.Db(DbDescription);
        var expectHead = new Option<string?>("--expect-head") { Description = "A head printed by 'audit checkpoint' (SEQ:HASH): exit 1 if the log no longer reaches it." };
        var (dataKey, auditKey) = (SharedOptions.DataKeyFile(), SharedOptions.AuditKeyFile());
        var verify = table.Add(
            new Command("verify", "Check the audit chain and every record against it; exit 1 naming the first bad entry or record, 3 when keyed entries could not be checked without the audit key.")
            {
                db, expectHead, dataKey, auditKey,
            },
            (parse, console, stderr, environment) => new AuditCommand(parse.GetValue(db)!, parse.GetValue(expectHead), parse.GetValue(dataKey), parse.GetValue(auditKey), Checkpoint: false)
                .RunAsync(console, stderr, environment));

        var checkpointDb = SharedOptions.Db(DbDescription);
        var (checkpointDataKey, checkpointAuditKey) = (SharedOptions.DataKeyFile(), SharedOptions.AuditKeyFile());
        var checkpoint = table.Add(
            new Command("checkpoint", "Verify the audit chain and print its head, SEQ:HASH, as the last line, for an external witness.") { checkpointDb, checkpointDataKey, checkpointAuditKey },
            (parse, console, stderr, environment) => new AuditCommand(parse.GetValue(checkpointDb)!, null, parse.GetValue(checkpointDataKey), parse.GetValue(checkpointAuditKey), Checkpoint: true)
                .RunAsync(console, stderr, environment));
        return new Command("audit", "The engine's audit trail.") { verify, checkpoint };
    }
}
