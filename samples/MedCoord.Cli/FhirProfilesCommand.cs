using MedCoord.Fhir;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord fhir profiles --out DIR</c>: the StructureDefinition of every MedCoord FHIR extension
/// (<see cref="MedCoordProfiles.Extensions"/>), one JSON file each (<c>DIR/{id}.json</c>), for a host to load into its
/// FHIR server or validator. The directory must exist; every file is checked writable before any is written.
/// </summary>
internal sealed record FhirProfilesCommand(string OutDirectory)
{
    public async Task<int> RunAsync(IAnsiConsole console, TextWriter stderr)
    {
        if (!Directory.Exists(OutDirectory))
        {
            await stderr.WriteLineAsync($"--out: no directory at {OutDirectory}");
            return SolverCommandLine.BadInput;
        }

        var profiles = MedCoordProfiles.Extensions();
        var files = profiles.Select(p => (Profile: p, Path: Path.Combine(OutDirectory, p.Id + ".json"))).ToList();
        var errors = OutputFile.Check([.. files.Select(f => ("--out", (string?)f.Path))]);
        foreach (var error in errors)
        {
            await stderr.WriteLineAsync(error.ToString());
        }

        if (errors.Count > 0)
        {
            return SolverCommandLine.BadInput;
        }

        foreach (var (profile, path) in files)
        {
            OutputFile.WriteAtomically("--out", path, FhirJson.Serialize(profile) + "\n");
        }

        console.MarkupLine(Markup.Escape($"{files.Count} StructureDefinitions written to {OutDirectory}"));
        return SolverCommandLine.Success;
    }
}
