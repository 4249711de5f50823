using KlingFunctions.Staging;

namespace KlingFunctions.Core.Tests.Staging;

public class SourceImageInspectorTests
{
    [Fact]
    public void Accepts_an_image_at_the_extreme_aspect_ratio_and_minimum_size()
    {
        var errors = SourceImageInspector.Check(Png("image", 300, 750), []);

        Assert.Empty(errors);
    }

    [Fact]
    public void Accepts_a_mask_scaled_from_the_image_with_one_pixel_of_rounding()
    {
        var errors = SourceImageInspector.Check(Png("image", 1001, 667), [Png("static_mask", 500, 333)]);

        Assert.Empty(errors);
    }

    [Fact]
    public void Names_the_field_and_both_resolutions_when_masks_differ()
    {
        var errors = SourceImageInspector.Check(
            Png("image", 1000, 600),
            [Png("static_mask", 500, 300), Png("dynamic_masks[0].mask", 500, 300), Png("dynamic_masks[1].mask", 1000, 600)]);

        var error = Assert.Single(errors);
        Assert.Equal("dynamic_masks[1].mask", error.Field);
        Assert.Contains("1000×600", error.Message, StringComparison.Ordinal);
        Assert.Contains("static_mask is 500×300", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checks_masks_on_their_own_when_the_image_could_not_be_stored()
    {
        var errors = SourceImageInspector.Check(null, [new InspectedInput("static_mask", "j/static_mask.gif", 64, new ImageHeader(ImageFormat.Gif, 0, 0))]);

        Assert.Equal("static_mask", Assert.Single(errors).Field);
    }

    [Fact]
    public void Reports_a_damaged_header_instead_of_a_size()
    {
        var errors = SourceImageInspector.Check(new InspectedInput("image", "j/image.jpg", 500, new ImageHeader(ImageFormat.Jpeg, 0, 0)), []);

        Assert.Contains("cannot be read", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    private static InspectedInput Png(string field, int width, int height)
        => new(field, $"job/{field}.png", 1000, new ImageHeader(ImageFormat.Png, width, height));
}
