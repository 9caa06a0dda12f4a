using MedCoord.Cli;

namespace MedCoord.Cli.Tests;

/// <summary>Runs the console solver in process, capturing its output.</summary>
internal static class ConsoleRun
{
    /// <summary>The exit code, stdout and stderr of one command line, with no environment variables (no keys from the environment).</summary>
    public static Task<(int Code, string Out, string Err)> Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>The exit code, stdout and stderr of one command line that sees only these environment variables.</summary>
    public static async Task<(int Code, string Out, string Err)> RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await SolverCommandLine.RunAsync(args, stdout, stderr, name => environment.GetValueOrDefault(name));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
