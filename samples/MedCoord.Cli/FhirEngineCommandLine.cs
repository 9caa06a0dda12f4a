using System.CommandLine;

namespace MedCoord.Cli;

/// <summary>The definition of <c>medcoord fhir engine</c>; <see cref="FhirEngineCommand"/> runs it.</summary>
internal static class FhirEngineCommandLine
{
    /// <summary>The <c>engine</c> subcommand of <c>fhir</c>.</summary>
    public static Command Define(CommandTable table)
    {
        var db = SharedOptions.Db("The engine's SQLite database file.");
        var output = SharedOptions.RequiredOut("Write the FHIR R4 Bundle (JSON) here.");
        var problem = new Option<string?>("--problem") { Description = "A problem file whose appointment types give each visit's length (Appointment.end); without it the end is marked unknown." };
        var (dataKey, auditKey) = (SharedOptions.DataKeyFile(), SharedOptions.AuditKeyFile());
        var engine = table.Add(
            new Command("engine", "Write every record of an engine database and its audit trail as one FHIR R4 Bundle (the read is recorded in the audit trail).")
            {
                db, output, problem, dataKey, auditKey,
            },
            (parse, console, stderr, environment) => new FhirEngineCommand(parse.GetValue(db)!, parse.GetValue(output)!, parse.GetValue(problem), parse.GetValue(dataKey), parse.GetValue(auditKey))
                .RunAsync(console, stderr, environment));
        return engine;
    }
}
