using System.CommandLine;

namespace MedCoord.Cli;

/// <summary>The definition of <c>medcoord demo</c>; <see cref="DemoCommand"/> runs it.</summary>
internal static class DemoCommandLine
{
    public static Command Define(CommandTable table)
    {
        var db = SharedOptions.Db("A new SQLite database file to run the day into.");
        var (dataKey, auditKey) = (SharedOptions.DataKeyFile(), SharedOptions.AuditKeyFile());
        return table.Add(
            new Command("demo", "Run a coordinator's sample day (care plans, bookings, check-in, results, referrals, a claim) into a new database and print the worklist.")
            {
                db, dataKey, auditKey,
            },
            (parse, console, stderr, environment) => new DemoCommand(parse.GetValue(db)!, parse.GetValue(dataKey), parse.GetValue(auditKey)).RunAsync(console, stderr, environment));
    }
}
