using System.Globalization;
using Microsoft.Extensions.Options;

namespace MedCoord.Scheduling.Isolation;

/// <summary>
/// How <see cref="IsolatedScheduler"/> starts its solver worker and how long it waits for it. The worker command is
/// given explicitly, nothing is searched for: either <see cref="WorkerPath"/> is the console solver's executable
/// (<c>medcoord</c>, <c>medcoord.exe</c>), or it is <c>dotnet</c> and the first of <see cref="WorkerArguments"/> is the
/// path of <c>medcoord.dll</c>. The scheduler appends <c>worker</c> and its flags (<c>--replan</c>,
/// <c>--conservative</c>). Both are checked when the scheduler is created.
/// </summary>
public sealed class IsolationOptions
{
    /// <summary>
    /// Gets or sets the program that runs the worker: a path to an existing executable file, or a bare file name
    /// (no directory) looked up on <c>PATH</c>, such as <c>dotnet</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>; a value is required.</value>
    public string? WorkerPath { get; set; }

    /// <summary>
    /// Gets the arguments given before <c>worker</c>, for example the path of <c>medcoord.dll</c> when
    /// <see cref="WorkerPath"/> is <c>dotnet</c>. An argument ending in <c>.dll</c> must name an existing file.
    /// </summary>
    /// <value>The default is empty.</value>
    public IList<string> WorkerArguments { get; } = [];

    /// <summary>
    /// Gets the environment variables set for the worker on top of the host's own, for example <c>DOTNET_ROOT</c> for
    /// the <c>medcoord</c> executable; a <see langword="null"/> value removes a variable.
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, string?> WorkerEnvironment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how long past the solve's time limit a worker may run (its start-up, explanations) before it is
    /// asked to stop.
    /// </summary>
    /// <value>The default is 5 seconds; at most 1 hour.</value>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long a worker has, once asked to stop (by the cancellation token, or at the time limit plus
    /// <see cref="Grace"/>), to return its best schedule before its process tree is killed. A worker asked to stop
    /// while still reading its problem gets this long once it has read it.
    /// </summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Validates <see cref="IsolationOptions"/> once, at start, and resolves the worker program.</summary>
internal sealed class IsolationOptionsValidator : IValidateOptions<IsolationOptions>
{
    /// <summary>The longest grace: the longest time limit (7 days) plus this stays a wait a timer can take (under 24.8 days).</summary>
    private static readonly TimeSpan MaxGrace = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, IsolationOptions options)
    {
        var failures = Check(options, out _);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every problem with the options; on none, <paramref name="program"/> is the worker program's full path.</summary>
    /// <param name="options">The options.</param>
    /// <param name="program">The worker program's full path, when there is no problem.</param>
    /// <param name="searchPath">The directories a bare program name is looked for in; null for the PATH variable.</param>
    /// <returns>The problems.</returns>
    public static List<string> Check(IsolationOptions options, out string? program, string? searchPath = null)
    {
        var failures = new List<string>();
        program = null;
        if (string.IsNullOrWhiteSpace(options.WorkerPath))
        {
            failures.Add($"{nameof(IsolationOptions.WorkerPath)} is required: the path of the medcoord executable, or of dotnet with the path of medcoord.dll as the first of {nameof(IsolationOptions.WorkerArguments)}.");
        }
        else if (Locate(options.WorkerPath, searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty, OperatingSystem.IsWindows()) is not { } found)
        {
            failures.Add(IsBareName(options.WorkerPath)
                ? $"{nameof(IsolationOptions.WorkerPath)} '{options.WorkerPath}' was not found on PATH."
                : $"{nameof(IsolationOptions.WorkerPath)} '{options.WorkerPath}' is not a file.");
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(found) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            failures.Add($"{nameof(IsolationOptions.WorkerPath)} '{options.WorkerPath}' is not executable.");
        }
        else
        {
            program = found;
        }

        for (var i = 0; i < options.WorkerArguments.Count; i++)
        {
            var argument = options.WorkerArguments[i];
            if (argument is null)
            {
                failures.Add($"{nameof(IsolationOptions.WorkerArguments)}[{i}] is null.");
            }
            else if (argument.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !File.Exists(argument))
            {
                failures.Add($"{nameof(IsolationOptions.WorkerArguments)}[{i}] '{argument}' is not a file.");
            }
        }

        foreach (var name in options.WorkerEnvironment.Keys.Where(k => k.Length == 0 || k.Contains('=', StringComparison.Ordinal)))
        {
            failures.Add($"{nameof(IsolationOptions.WorkerEnvironment)} holds '{name}', which is not a variable name.");
        }

        if (options.Grace < TimeSpan.Zero || options.Grace > MaxGrace)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(IsolationOptions.Grace)} must be from zero to 1 hour, found {options.Grace}."));
        }

        if (options.StopTimeout <= TimeSpan.Zero || options.StopTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(IsolationOptions.StopTimeout)} must be above zero and at most 1 minute, found {options.StopTimeout}."));
        }

        if (failures.Count > 0)
        {
            program = null;
        }

        return failures;
    }

    private static bool IsBareName(string path) => path.IndexOfAny(['/', Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]) < 0;

    /// <summary>The full path of an existing file: <paramref name="path"/> itself, or a bare name found in <paramref name="searchPath"/> (on Windows with <c>.exe</c> first).</summary>
    /// <param name="path">The program as configured.</param>
    /// <param name="searchPath">The directories to look in, separated as in PATH.</param>
    /// <param name="windows">Whether to look as Windows does.</param>
    /// <returns>The full path, or <see langword="null"/> where there is no such file.</returns>
    internal static string? Locate(string path, string searchPath, bool windows)
    {
        if (!IsBareName(path))
        {
            return File.Exists(path) ? Path.GetFullPath(path) : null;
        }

        var names = windows && !path.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? new[] { path + ".exe", path } : [path];
        foreach (var directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }
}
