using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The one validation of the solve options, as the file, the configured defaults, a call and the console name them.</summary>
public sealed class SolveOptionsTests
{
    private static readonly SolveOptions Bad = new(Duration.FromSeconds(604_801), 257, -1, new SoftRuleWeights(Balance: 1001, DefaultDailyCap: 0));

    [Fact]
    public void Validate_NamesEachValueAsItsCallerSpellsIt()
    {
        Assert.Equal(
            [
                "options.timeLimitSeconds: must be above 0 and at most 604800 seconds, found 604801",
                "options.workers: must be from 0 (the machine's core count) to 256, found 257",
                "options.seed: must not be negative, found -1",
                "options.softRules.balanceWeight: must be from 0 to 1000, found 1001",
                "options.softRules.dailyCap: must be from 1 to 1000, found 0",
            ],
            Bad.Validate("options.", OptionNaming.File).Select(e => e.ToString()));
        Assert.Equal(["--time-limit", "--workers", "--seed", "--soft-rules.balanceWeight", "--soft-rules.dailyCap"], Bad.Validate("--", OptionNaming.CommandLine).Select(e => e.Path));
        Assert.Equal(
            ["SchedulingOptions.TimeLimit", "SchedulingOptions.Workers", "SchedulingOptions.Seed", "SchedulingOptions.SoftRules.balanceWeight", "SchedulingOptions.SoftRules.dailyCap"],
            Bad.Validate("SchedulingOptions.", OptionNaming.Property).Select(e => e.Path));
    }

    [Fact]
    public void Validate_TheBoundsThemselves_AreAllowed()
    {
        Assert.Empty(new SolveOptions(Duration.FromSeconds(604_800), 256, 0, new SoftRuleWeights(1000, 1000, 1000, 1000)).Validate("", OptionNaming.Property));
        Assert.Empty(new SolveOptions(Duration.FromMilliseconds(1), 0).Validate("", OptionNaming.Property));
        Assert.Empty(new SolveOptions().Validate("", OptionNaming.Property));
        Assert.Single(new SolveOptions(Duration.Zero).Validate("", OptionNaming.Property));
    }

    [Theory]
    [InlineData(0.5, 500)]
    [InlineData(0.0001, 1)]
    [InlineData(604_800, 604_800_000)]
    public void TimeLimitFromSeconds_WithinTheBounds_RoundsToTheMillisecond(double seconds, long milliseconds) =>
        Assert.Equal(Duration.FromMilliseconds(milliseconds), SolveOptions.TimeLimitFromSeconds(seconds));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(604_800.25, "604800.25")]
    [InlineData(double.NaN, "0")]
    public void TimeLimitFromSeconds_OutsideTheBounds_StaysOutsideWithTheValueGiven(double seconds, string found) =>
        Assert.Equal($"--time-limit: must be above 0 and at most 604800 seconds, found {found}",
            Assert.Single(new SolveOptions(SolveOptions.TimeLimitFromSeconds(seconds)).Validate("--", OptionNaming.CommandLine)).ToString());

    [Fact]
    public void Or_TakesEachValueNotGivenFromTheFallback()
    {
        var call = new SolveOptions(Workers: 3) { Conservative = true };
        var merged = call.Or(new SolveOptions(Duration.FromSeconds(4), 1, 7) { Conservative = false }).Or(SolveOptions.Default);

        Assert.Equal(new SolveOptions(Duration.FromSeconds(4), 3, 7) { Conservative = true }, merged);
        Assert.Equal(new SolveOptions(Duration.FromSeconds(10), 0, 0) { Conservative = false }, new SolveOptions().Or(SolveOptions.Default));
    }

    [Fact]
    public void ConfiguredDefaults_OverAWeek_FailValidationAtStart()
    {
        var services = new ServiceCollection();
        services.AddMedCoordScheduling(o => o.TimeLimit = TimeSpan.FromDays(8));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);

        Assert.Equal(["SchedulingOptions.TimeLimit: must be above 0 and at most 604800 seconds, found 691200"], ex.Failures);
    }

    [Fact]
    public void ConfiguredDefaults_WholeOptions_AreUsedWhereTheCallAndProblemGiveNone()
    {
        var defaults = new SchedulingOptions { Defaults = new SolveOptions(Seed: 9) };
        var scheduler = new AppointmentScheduler(defaults);

        var settings = scheduler.Resolve(null, new SolveOptions(Workers: 2));

        Assert.Equal((Duration.FromSeconds(10), 2, 9, false), (settings.TimeLimit, settings.Workers, settings.Seed, settings.Conservative));
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.TimeLimit);
        Assert.Equal(9, defaults.Seed);
    }

    [Fact]
    public void Resolve_CallOverAWeek_IsRefusedNamingTheValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new AppointmentScheduler().Resolve(new SolveOptions(Duration.FromDays(8)), null));

        Assert.Equal("TimeLimit", ex.ParamName);
        Assert.Contains("TimeLimit: must be above 0 and at most 604800 seconds, found 691200", ex.Message, StringComparison.Ordinal);
    }
}
