using MedCoord.Cli;

namespace MedCoord.Scheduling.Tests.Cli;

/// <summary>Runs the console solver in process, capturing its output.</summary>
internal static class ConsoleRun
{
    /// <summary>The exit code, stdout and stderr of one command line.</summary>
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await SolverCommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
