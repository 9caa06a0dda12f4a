using MedCoord.Engine.Referrals;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Referrals;

public sealed class FacilityDirectoryTests
{
    private static readonly FacilityDirectory Directory = new(
    [
        new DirectoryFacility("lakeside", "Lakeside Cardiology", ["cardiology", "echo"], "+1 555 0100", "referrals@lakeside.example", External: true),
        new DirectoryFacility("main", "Main Street Clinic", ["dermatology"], "+1 555 0199", null, External: false),
    ]);

    [Fact]
    public void Offering_AndCheckTarget_KnowSpecialtiesAndFacilities()
    {
        Assert.Equal(["lakeside"], Directory.Offering("Cardiology").Select(f => f.Id));
        Assert.Null(Directory.CheckTarget("echo"));
        Assert.Null(Directory.CheckTarget("facility:main"));
        Assert.Equal("no facility 'northside' in the directory", Directory.CheckTarget("facility:northside"));
        Assert.Equal("no facility in the directory accepts 'neurology' referrals", Directory.CheckTarget("neurology"));
    }

    [Fact]
    public void Draft_TargetTheDirectoryDoesNotKnow_IsRefused()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 27, 9, 0));

        var refused = Assert.Throws<ArgumentException>(() => ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "neurology", ReferralPriority.Urgent, clock, Directory));

        Assert.Equal("target", refused.ParamName);
        Assert.Contains("no facility in the directory accepts 'neurology'", refused.Message);
        Assert.Equal("facility:lakeside", ReferralLifecycle.Draft("ref-2", "pat-1", "dr-a", "facility:lakeside", ReferralPriority.Urgent, clock, Directory).Target);
    }

    [Fact]
    public void Create_BadEntries_AreRefusedNamingEach()
    {
        var refused = Assert.Throws<ArgumentException>(() => new FacilityDirectory(
        [
            new DirectoryFacility("a", "A", ["x"], "1", null, false),
            new DirectoryFacility("a", "A again", [], " ", null, false),
        ]));

        Assert.Contains("facilities[1]: id 'a' is used twice", refused.Message);
        Assert.Contains("needs at least one specialty", refused.Message);
        Assert.Contains("needs a referral phone line", refused.Message);
    }
}
