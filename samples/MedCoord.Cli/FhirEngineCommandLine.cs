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

    /// <summary>The <c>records</c> subcommand of <c>fhir</c>.</summary>
    public static Command DefineRecords(CommandTable table)
    {
        var bundle = new Argument<string>("bundle") { Description = "A FHIR R4 Bundle (JSON) of CarePlans, referral ServiceRequests, Consents and QuestionnaireResponses." };
        var db = SharedOptions.Db("The engine's SQLite database file (created when missing).");
        var (dataKey, auditKey) = (SharedOptions.DataKeyFile(), SharedOptions.AuditKeyFile());
        return table.Add(
            new Command("records", "Store an EHR's care plans, referrals, consents and intake responses (a FHIR R4 Bundle) in an engine database, all or none.")
            {
                bundle, db, dataKey, auditKey,
            },
            (parse, console, stderr, environment) => new FhirRecordsCommand(parse.GetValue(bundle)!, parse.GetValue(db)!, parse.GetValue(dataKey), parse.GetValue(auditKey))
                .RunAsync(console, stderr, environment, CancellationToken.None));
    }
}
