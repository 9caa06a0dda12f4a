using System.Text.Encodings.Web;
using System.Text.Json;
using Hl7.Fhir.Serialization;
using MedCoord.Engine;
using MedCoord.Engine.Storage;
using MedCoord.Fhir;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord fhir engine --db ENGINE.db --out BUNDLE.json [--problem PROBLEM.json]</c>: every record of an engine
/// database and its audit trail as one FHIR R4 Bundle (type collection), through <see cref="RecordsService.ExportAsync"/>
/// (recorded as one read by <see cref="Actor"/>, naming every patient) and <see cref="EngineBundle.Export"/>. The keys
/// come from <c>--data-key-file</c> and <c>--audit-key-file</c> or <c>MEDCOORD_DATA_KEY</c> and <c>MEDCOORD_AUDIT_KEY</c>,
/// as for the other engine commands. The database is verified first: a file that is not an engine database, or a wrong
/// key, is bad input (2); a broken audit chain is refused (1, naming the entry) and nothing is written. The bundle holds
/// patient data (the claims' names, birth dates and addresses); messages never do.
/// </summary>
internal sealed record FhirEngineCommand(string DatabasePath, string OutPath, string? ProblemPath, string? DataKeyFile, string? AuditKeyFile)
{
    /// <summary>Who the recorded read names.</summary>
    public const string Actor = "fhir-export";

    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr, Func<string, string?> environment)
    {
        var (keys, errors) = EngineKeys.Read(DataKeyFile, AuditKeyFile, environment);
        if (!File.Exists(DatabasePath))
        {
            errors.Insert(0, $"--db: no database file at {DatabasePath}");
        }

        errors.AddRange(OutputFile.Check(("--out", OutPath)).Select(e => e.ToString()));
        if (ProblemPath is not null && !File.Exists(ProblemPath))
        {
            errors.Add($"--problem: no such file {ProblemPath}");
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync(error);
            }

            return SolverCommandLine.BadInput;
        }

        var minutes = new Dictionary<string, int>(StringComparer.Ordinal);
        if (ProblemPath is not null)
        {
            if (await ProblemLoader.LoadAsync(ProblemPath, stderr) is not { } problem)
            {
                return SolverCommandLine.BadInput;
            }

            foreach (var type in problem.Problem.AppointmentTypes)
            {
                minutes[type.Id] = type.DurationMinutes;
            }
        }

        try
        {
            var verification = await EngineDatabase.VerifyAsync(DatabasePath, keys.Audit, keys.Data);
            if (!verification.Audit.Intact)
            {
                await stderr.WriteLineAsync(verification.Audit.FirstBadSequence is { } at
                    ? $"--db: audit log broken at entry {at}: {verification.Audit.Problem}; nothing exported"
                    : $"--db: audit log broken: {verification.Audit.Problem}; nothing exported");
                return SolverCommandLine.Failure;
            }
        }
        catch (InvalidDataException ex)
        {
            await stderr.WriteLineAsync($"--db: cannot read '{DatabasePath}': {ex.Message}");
            return SolverCommandLine.BadInput;
        }
        catch (EngineKeyException ex)
        {
            await stderr.WriteLineAsync($"{EngineKeys.AuditVariable}: {ex.Message}");
            return SolverCommandLine.BadInput;
        }

        EngineRecords records;
        IReadOnlyList<MedCoord.Engine.Audit.AuditEntry> trail;
        using (var services = new ServiceCollection()
            .AddSingleton<IClock>(SystemClock.Instance)
            .AddMedCoordEngine(o => (o.DatabasePath, o.DataKey, o.AuditKey) = (DatabasePath, keys.Data, keys.Audit))
            .BuildServiceProvider())
        {
            var engine = services.GetRequiredService<CoordinationEngine>();
            try
            {
                records = await engine.Records.ExportAsync(Actor);
                trail = await engine.Records.AuditTrailAsync();
            }
            catch (EngineKeyException ex)
            {
                await stderr.WriteLineAsync($"--db: {ex.Message}");
                return SolverCommandLine.BadInput;
            }
        }

        var bundle = EngineBundle.Export(records, trail, new EngineBundleOptions { AppointmentMinutes = minutes });
        var json = JsonSerializer.Serialize(bundle, new JsonSerializerOptions { WriteIndented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }.ForFhir(Hl7.Fhir.Model.ModelInfo.ModelInspector));
        OutputFile.WriteAtomically("--out", OutPath, json + "\n");
        var counts = bundle.Entry.GroupBy(e => e.Resource!.TypeName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        console.MarkupLine(Markup.Escape($"bundle: {bundle.Entry.Count} resources ({string.Join(", ", counts)}); {OutPath}"));
        return SolverCommandLine.Success;
    }
}
