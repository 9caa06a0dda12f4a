using System.CommandLine;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>
/// The console, <c>medcoord</c>: builds the commands (each defined in its own file) and runs the one the arguments
/// choose. Every command parses its flags, calls the library and prints what it returns.
/// </summary>
public static class SolverCommandLine
{
    /// <summary>Exit code: solved (even with unscheduled requests), or valid.</summary>
    public const int Success = 0;

    /// <summary>Exit code: anything unexpected.</summary>
    public const int Failure = 1;

    /// <summary>Exit code: bad input (problem file or command line).</summary>
    public const int BadInput = 2;

    /// <summary>Runs the command line.</summary>
    /// <param name="args">Arguments.</param>
    /// <param name="stdout">Where the summary goes.</param>
    /// <param name="stderr">Where errors go, one per line.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) => RunAsync(args, stdout, stderr, Environment.GetEnvironmentVariable);

    /// <summary>Runs the command line with the environment variables (the keys) read from <paramref name="environment"/>.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment)
    {
        var table = new CommandTable();
        var root = new RootCommand("MedCoord appointment solver.")
        {
            SolveCommand.Define(table),
            ValidateCommand.Define(table),
            RecommendCommand.Define(table),
            FillCommand.Define(table),
            ReplanCommand.Define(table),
            AuditCommandLine.Define(table),
            DemoCommandLine.Define(table),
            ClaimCommandLine.Define(table),
            FhirCommandLine.Define(table),
        };
        foreach (var command in X12CommandLine.Define(table))
        {
            root.Add(command);
        }

        var terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        if (!terminal && root.Options.OfType<System.CommandLine.Help.HelpOption>().FirstOrDefault() is { } help)
        {
            // Redirected output is read by programs and people searching it: never wrap a line, help included.
            help.Action = new System.CommandLine.Help.HelpAction { MaxWidth = 1000 };
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"command line: {error.Message}");
            }

            return BadInput;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 1000;
        }

        try
        {
            // --help and --version (the only actions the parser sets) run before any command, which would miss its arguments.
            return parse.Action is null && table.Find(parse.CommandResult.Command) is { } run
                ? await run(parse, console, stderr, environment)
                : await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        }
        catch (OutputFileException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return Failure;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return Failure;
        }
    }
}
