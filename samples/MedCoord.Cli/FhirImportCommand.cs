using MedCoord.Fhir;
using MedCoord.Fhir.Scheduling;
using MedCoord.Scheduling.Serialization;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>One run of <c>medcoord fhir import</c>: a FHIR R4 Bundle read as a problem and written as a problem file.</summary>
internal sealed record FhirImportCommand(string BundlePath, string OutPath)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        var outErrors = OutputFile.Check(("--out", OutPath));
        foreach (var error in outErrors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (await InputFile.ReadAsync(BundlePath, "bundle", stderr) is not { } bytes || outErrors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        var (bundle, errors) = await FhirBundleInput.ParseAsync(bytes, stderr);
        var imported = bundle is null ? null : SchedulingBundle.Import(bundle);
        foreach (var error in imported?.Errors ?? errors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (imported?.Problem is not { } problem)
        {
            return SolverCommandLine.BadInput;
        }

        OutputFile.WriteAtomically("--out", OutPath, ProblemFile.Serialize(problem));
        console.MarkupLine(Markup.Escape($"read {problem.Requests.Count} requests, {problem.Providers.Count} providers, {problem.Rooms.Count} rooms, {problem.Facilities.Count} facilities; problem written to {OutPath}"));
        return SolverCommandLine.Success;
    }
}

/// <summary>A FHIR Bundle file's bytes read as strict UTF-8 JSON (a bad byte is named by its offset) and parsed.</summary>
internal static class FhirBundleInput
{
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The bundle, or the parse errors; a file that is not UTF-8 is reported here and gives neither.</summary>
    public static async Task<(Hl7.Fhir.Model.Bundle? Bundle, IReadOnlyList<MedCoord.Scheduling.Validation.ValidationError> Errors)> ParseAsync(byte[] bytes, TextWriter stderr)
    {
        var skip = bytes.AsSpan().StartsWith(StrictUtf8.Preamble) ? StrictUtf8.Preamble.Length : 0;
        string json;
        try
        {
            json = StrictUtf8.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            await stderr.WriteLineAsync($"$: invalid UTF-8 at byte offset {skip + ex.Index} (the file must be UTF-8)");
            return (null, []);
        }

        var errors = FhirJson.TryParseBundle(json, out var bundle);
        return (bundle, errors);
    }
}
