using MedCoord.Scheduling.Isolation;

namespace MedCoord.Scheduling.Tests.Isolation;

/// <summary>The checks of the worker command a host configures, each fault on its own and at its bounds.</summary>
public sealed class IsolationOptionsTests
{
    private static IsolationOptions Valid()
    {
        var options = new IsolationOptions { WorkerPath = WorkerProcess.Dotnet };
        options.WorkerArguments.Add(WorkerProcess.Dll);
        return options;
    }

    private static List<string> Check(IsolationOptions options) => IsolationOptionsValidator.Check(options, out _);

    [Fact]
    public void Check_AWorkerCommandThatCanRun_HasNoFault_AndGivesTheProgramsFullPath()
    {
        var failures = IsolationOptionsValidator.Check(Valid(), out var program);

        Assert.Empty(failures);
        Assert.True(Path.IsPathFullyQualified(program!) && File.Exists(program), program);
        Assert.Equal(Path.GetFileName(WorkerProcess.Dotnet), Path.GetFileName(program));
        Assert.True(new IsolationOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void Check_ABareName_IsTheFirstFileOfThatNameInTheSearchPath()
    {
        var root = Directory.CreateTempSubdirectory("medcoord-search-").FullName;
        try
        {
            var empty = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;
            var first = Directory.CreateDirectory(Path.Combine(root, "first")).FullName;
            var second = Directory.CreateDirectory(Path.Combine(root, "second")).FullName;
            var name = OperatingSystem.IsWindows() ? "medcoord-worker.exe" : "medcoord-worker";
            foreach (var directory in new[] { first, second })
            {
                File.WriteAllText(Path.Combine(directory, name), "#!/bin/sh\n");
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(Path.Combine(directory, name), UnixFileMode.UserRead | UnixFileMode.UserExecute);
                }
            }

            var search = string.Join(Path.PathSeparator, Path.Combine(root, "missing"), empty, string.Empty, first, second);

            Assert.Empty(IsolationOptionsValidator.Check(new IsolationOptions { WorkerPath = "medcoord-worker" }, out var program, search));
            Assert.Equal(Path.Combine(first, name), program);
            Assert.Equal(
                ["WorkerPath 'medcoord-worker' was not found on PATH."],
                IsolationOptionsValidator.Check(new IsolationOptions { WorkerPath = "medcoord-worker" }, out var none, string.Join(Path.PathSeparator, empty, Path.Combine(root, "missing"))));
            Assert.Null(none);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Check_ABareName_WithoutASearchPath_IsLookedForOnThePathVariable()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Empty(IsolationOptionsValidator.Check(new IsolationOptions { WorkerPath = "sh" }, out var program));
        Assert.Equal("sh", Path.GetFileName(program));
        Assert.Contains(Path.GetDirectoryName(program), Environment.GetEnvironmentVariable("PATH")!.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))));
    }

    [Fact]
    public void Locate_AsWindowsDoes_TriesTheExeFirst_UnlessTheNameEndsInIt()
    {
        var root = Directory.CreateTempSubdirectory("medcoord-search-").FullName;
        try
        {
            foreach (var name in new[] { "medcoord", "medcoord.exe", "medcoord.exe.exe", "tool" })
            {
                File.WriteAllText(Path.Combine(root, name), string.Empty);
            }

            Assert.Equal(Path.Combine(root, "medcoord.exe"), IsolationOptionsValidator.Locate("medcoord", root, windows: true));
            Assert.Equal(Path.Combine(root, "medcoord.exe"), IsolationOptionsValidator.Locate("medcoord.exe", root, windows: true));
            Assert.Equal(Path.Combine(root, "tool"), IsolationOptionsValidator.Locate("tool", root, windows: true));
            Assert.Equal(Path.Combine(root, "medcoord"), IsolationOptionsValidator.Locate("medcoord", root, windows: false));
            Assert.Null(IsolationOptionsValidator.Locate("medcoord-none", root, windows: true));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t")]
    public void Check_NoWorkerPath_IsRequired_AndSaysWhatToGive(string? path)
    {
        var options = Valid();
        options.WorkerPath = path;

        Assert.Equal(
            ["WorkerPath is required: the path of the medcoord executable, or of dotnet with the path of medcoord.dll as the first of WorkerArguments."],
            IsolationOptionsValidator.Check(options, out var program));
        Assert.Null(program);
    }

    [Fact]
    public void Check_APathThatIsNoFile_IsNamed_WhetherMissingOrAFolder()
    {
        var folder = Directory.CreateTempSubdirectory("medcoord-worker-").FullName;
        try
        {
            foreach (var path in new[] { folder, Path.Combine(folder, "medcoord") })
            {
                var options = Valid();
                options.WorkerPath = path;

                Assert.Equal([$"WorkerPath '{path}' is not a file."], IsolationOptionsValidator.Check(options, out var program));
                Assert.Null(program);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead, false)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, false)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserExecute, true)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupExecute, true)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.OtherExecute, true)]
    public void Check_AFileWithoutAnyExecuteBit_IsNotExecutable_AnyOneBitIsEnough_AndARelativePathIsMadeFull(UnixFileMode mode, bool runs)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = Directory.CreateTempSubdirectory("medcoord-worker-").FullName;
        try
        {
            var file = Path.Combine(folder, "medcoord");
            File.WriteAllText(file, "#!/bin/sh\n");
            File.SetUnixFileMode(file, mode);
            var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
            Assert.Contains('/', relative);

            var failures = IsolationOptionsValidator.Check(new IsolationOptions { WorkerPath = relative }, out var program);

            Assert.Equal(runs ? [] : [$"WorkerPath '{relative}' is not executable."], failures);
            Assert.Equal(runs ? file : null, program);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Check_AnyFault_GivesNoProgram()
    {
        var options = Valid();
        options.Grace = TimeSpan.FromTicks(-1);

        Assert.Single(IsolationOptionsValidator.Check(options, out var program));
        Assert.Null(program);
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(-1L, false)]
    [InlineData(36_000_000_000L, true)]
    [InlineData(36_000_000_001L, false)]
    [InlineData(long.MaxValue, false)]
    public void Check_Grace_IsFromZeroToAnHour(long ticks, bool valid)
    {
        var options = Valid();
        options.Grace = TimeSpan.FromTicks(ticks);

        Assert.Equal(valid ? [] : [$"Grace must be from zero to 1 hour, found {TimeSpan.FromTicks(ticks)}."], Check(options));
    }

    [Theory]
    [InlineData(1L, true)]
    [InlineData(600_000_000L, true)]
    [InlineData(600_000_001L, false)]
    [InlineData(0L, false)]
    [InlineData(-1L, false)]
    public void Check_StopTimeout_IsAboveZeroAndAtMostAMinute(long ticks, bool valid)
    {
        var options = Valid();
        options.StopTimeout = TimeSpan.FromTicks(ticks);

        Assert.Equal(valid ? [] : [$"StopTimeout must be above zero and at most 1 minute, found {TimeSpan.FromTicks(ticks)}."], Check(options));
    }

    [Fact]
    public void Check_EnvironmentNames_MustBeNamesOfVariables()
    {
        var options = Valid();
        options.WorkerEnvironment[string.Empty] = "x";
        options.WorkerEnvironment["A=B"] = "x";
        options.WorkerEnvironment["DOTNET_gcServer"] = "0";
        options.WorkerEnvironment["UNSET_ME"] = null;

        Assert.Equal(["WorkerEnvironment holds '', which is not a variable name.", "WorkerEnvironment holds 'A=B', which is not a variable name."], Check(options).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Check_Arguments_NullOnesAndMissingDllsAreNamedByIndex_OtherArgumentsAreTheWorkersToRead()
    {
        var options = Valid();
        options.WorkerArguments.Add(null!);
        options.WorkerArguments.Add("--seed");
        options.WorkerArguments.Add("/no/such/worker.DLL");
        options.WorkerArguments.Add("/no/such/worker.dll.txt");

        Assert.Equal(["WorkerArguments[1] is null.", "WorkerArguments[3] '/no/such/worker.DLL' is not a file."], Check(options));
    }

    [Fact]
    public void Validate_AFault_FailsWithEveryMessage()
    {
        var options = Valid();
        options.Grace = TimeSpan.FromSeconds(-1);
        options.StopTimeout = TimeSpan.Zero;

        var result = new IsolationOptionsValidator().Validate("named", options);

        Assert.True(result.Failed);
        Assert.Equal(["Grace must be from zero to 1 hour, found -00:00:01.", "StopTimeout must be above zero and at most 1 minute, found 00:00:00."], result.Failures);
    }

    [Fact]
    public void Defaults_AreAFiveSecondGraceAndAOneSecondStop()
    {
        var options = new IsolationOptions();

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1), null), (options.Grace, options.StopTimeout, options.WorkerPath));
        Assert.Empty(options.WorkerArguments);
        Assert.Empty(options.WorkerEnvironment);
    }
}
