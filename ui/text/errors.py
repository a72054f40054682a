"""The errors a user can meet (``kdlab.errors.UserError``: a key and values), worded by ``ui.common.error_text``;
``errors.setting.*`` name a config setting as the pages do, never as its raw key."""

TEXT: dict[str, dict[str, str]] = {
    "errors.setting.temperature": {"en": "the temperature T", "zh": "温度 T"},
    "errors.setting.alpha": {"en": "α (the weight of the distillation loss)", "zh": "α（蒸馏损失的权重）"},
    "errors.setting.beta": {"en": "β (the weight of attention transfer)", "zh": "β（注意力迁移的权重）"},
    "errors.setting.gamma": {"en": "γ (the weight of representation distillation)", "zh": "γ（表示蒸馏的权重）"},
    "errors.setting.epochs": {"en": "the epochs", "zh": "训练轮数"},
    "errors.setting.teacher_epochs": {"en": "the teacher's epochs", "zh": "教师的训练轮数"},
    "errors.setting.batch_size": {"en": "the batch size", "zh": "批大小"},
    "errors.setting.log_every": {"en": "the logging interval", "zh": "记录间隔"},
    "errors.setting.lr": {"en": "the learning rate", "zh": "学习率"},
    "errors.setting.teacher_lr": {"en": "the teacher's learning rate", "zh": "教师的学习率"},
    "errors.setting.train_fraction": {"en": "the share of the training set", "zh": "训练集的使用比例"},
    "errors.setting.max_epochs": {"en": "the number of epochs", "zh": "训练轮数"},
    "errors.setting.max_batch_size": {"en": "the batch size", "zh": "批大小"},
    "errors.setting.max_model_knob": {"en": "a model's size knob", "zh": "模型的规模设置"},
    "errors.setting.max_dataset_samples": {"en": "a dataset's sample count", "zh": "数据集的样本数"},
    "errors.setting.max_sequence_length": {"en": "a sequence's length", "zh": "序列长度"},
    "errors.setting.max_model_params": {"en": "a model's parameter count", "zh": "模型的参数量"},
    "errors.cap": {"en": "{setting} is capped at {cap} on this server ({name} in kdlab.toml or {env}), got {value}",
                   "zh": "本服务器上{setting}最多为 {cap}（可在 kdlab.toml 中用 {name} 或环境变量 {env} 调高），"
                         "收到的是 {value}"},
    "errors.queue.full": {"en": "the queue is full ({count} runs waiting, the most this server takes: {name} in "
                                "kdlab.toml or {env}); try again when some have finished",
                          "zh": "队列已满（{count} 个实验在等待，已达本服务器的上限：kdlab.toml 中的 {name} 或环境变量 "
                                "{env}）；请等一些实验完成后再试"},
    "errors.queue.browser": {"en": "this browser already has {count} runs queued or running, the most this server "
                                   "allows ({name} in kdlab.toml or {env}); wait for one to finish or stop it",
                             "zh": "这个浏览器已有 {count} 个实验在排队或训练中，已达本服务器允许的上限（kdlab.toml 中的 "
                                   "{name} 或环境变量 {env}）；请等其中一个完成，或先停止它"},
    "errors.config.positive": {"en": "{setting} must be above 0, got {value}",
                               "zh": "{setting}必须大于 0，收到的是 {value}"},
    "errors.config.unit_range": {"en": "{setting} must be between 0 and 1, got {value}",
                                 "zh": "{setting}必须在 0 到 1 之间，收到的是 {value}"},
    "errors.config.not_negative": {"en": "{setting} must be 0 or more, got {value}",
                                   "zh": "{setting}不能小于 0，收到的是 {value}"},
    "errors.config.whole": {"en": "{setting} must be a whole number of at least 1, got {value}",
                            "zh": "{setting}必须是不小于 1 的整数，收到的是 {value}"},
    "errors.config.fraction": {"en": "{setting} must be above 0 and at most 1, got {value}",
                               "zh": "{setting}必须大于 0 且不超过 1，收到的是 {value}"},
    "errors.upload.too_big": {"en": "the file is {size} MiB; at most {limit} MiB are allowed",
                              "zh": "文件大小为 {size} MiB，最多允许 {limit} MiB"},
    "errors.upload.kind": {"en": "upload a .csv file, a .zip of image folders or a .txt text, not {kind}",
                           "zh": "请上传 .csv 文件、按类别分文件夹的 .zip 图像压缩包或 .txt 文本，而不是 {kind}"},
    "errors.upload.zip_entries": {"en": "the zip archive has {count} entries; at most {limit} are allowed",
                                  "zh": "该 zip 压缩包有 {count} 个条目，最多允许 {limit} 个"},
    "errors.upload.zip_images": {"en": "the zip archive has {count} images; at most {limit} are allowed",
                                 "zh": "该 zip 压缩包有 {count} 张图像，最多允许 {limit} 张"},
    "errors.upload.zip_folders": {"en": "every image must be in a folder named after its class (class/image.png)",
                                  "zh": "每张图像都必须放在以其类别命名的文件夹中（类别/图像.png）"},
    "errors.upload.few_classes": {"en": "the data has {count} class(es); at least {least} are needed",
                                  "zh": "数据只有 {count} 个类别，至少需要 {least} 个"},
    "errors.upload.few_samples": {"en": "class {name} has {count} samples; every class needs at least {least}",
                                  "zh": "类别 {name} 只有 {count} 个样本，每个类别至少需要 {least} 个"},
    "errors.upload.disk_room": {"en": "the uploads kept on this server use {used} MiB of the {total} MiB they may "
                                      "use (max_upload_total_mb); delete some of your uploads first",
                                "zh": "本服务器保存的上传数据已占用 {used} MiB，上限为 {total} MiB"
                                      "（max_upload_total_mb）；请先删除你的一些上传数据"},
}
