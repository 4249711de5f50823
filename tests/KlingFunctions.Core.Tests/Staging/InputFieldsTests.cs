using KlingFunctions.Staging;

namespace KlingFunctions.Core.Tests.Staging;

public class InputFieldsTests
{
    [Theory]
    [InlineData("image", ImageFormat.Png, "job-1/image.png")]
    [InlineData("static_mask", ImageFormat.Jpeg, "job-1/static_mask.jpg")]
    [InlineData("dynamic_masks[3].mask", ImageFormat.Png, "job-1/dynamic_masks/3.png")]
    [InlineData("image", ImageFormat.NotAnImage, "job-1/image.bin")]
    public void Names_the_blob_of_a_field_under_its_job(string field, ImageFormat format, string expected)
        => Assert.Equal(expected, InputFields.BlobName("job-1", field, format));

    [Theory]
    [InlineData("callback_url")]
    [InlineData("dynamic_masks[x].mask")]
    [InlineData("../image")]
    public void Refuses_a_field_that_carries_no_image(string field)
        => Assert.Throws<ArgumentException>(() => InputFields.BlobName("job-1", field, ImageFormat.Png));
}
